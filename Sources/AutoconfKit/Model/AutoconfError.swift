/// Errors a front end shows to the user: each one a single line naming the problem.
public enum AutoconfError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The address (as typed) cannot be a mail address, and why.
    case invalidAddress(String, AddressError)
    /// `plugins` names a plugin the registry does not have; the names it has.
    case unknownPlugin(String, available: [String])
    /// An option cannot be used (`Autoconf.optionsProblem`): the one-line message.
    case invalidOption(String)

    /// One line for the user.
    public var description: String {
        switch self {
        case .invalidAddress(let input, let error): "invalid email address '\(input.prefix(100))': \(error)"
        case .unknownPlugin(let name, let available): "unknown plugin '\(name)' (available: \(available.joined(separator: ", ")))"
        case .invalidOption(let message): message
        }
    }
}
