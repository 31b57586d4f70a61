/// The rule for every value the login test sends to a server inside a protocol line (usernames,
/// auth strings): a CR or LF in an IMAP username would otherwise end the LOGIN line and start a
/// command of the sender's choosing (`X1 SELECT INBOX`, `X2 STORE … \Deleted`). No control
/// character (C0, DEL, C1), no line or paragraph separator, no bidi control, at most 320 bytes.
public enum WireValue {
    package static let maximumLength = 320

    /// nil when `value` may be sent, otherwise what is wrong with it.
    package static func problem(_ value: String) -> String? {
        if value.isEmpty { return "it is empty" }
        if value.utf8.count > maximumLength { return "it is longer than \(maximumLength) bytes" }
        if let bad = value.unicodeScalars.first(where: TerminalText.isUnsafe) {
            return "it contains U+\(String(bad.value, radix: 16, uppercase: true)) (a control, line separator or bidi character)"
        }
        return nil
    }

    /// True when `value` may be sent to a server or written into a file (`problem(_:)` is nil).
    public static func isValid(_ value: String) -> Bool { problem(value) == nil }
}
