/// Why the login tester could not run at all (not: why a login failed — that is a `ServerCheck`).
public enum VerifyFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The one-line reason.
    case failure(String)

    /// One line for the user.
    public var description: String {
        switch self {
        case .failure(let message): message
        }
    }
}
