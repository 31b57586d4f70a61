public enum AutoconfVersion {
    public static let string = "0.1.0"
}
