/// Errors a front end shows to the user: each one a single line naming the problem.
public enum AutoconfError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidAddress(String, AddressError)
    case unknownPlugin(String, available: [String])
    case invalidOption(String)

    public var description: String {
        switch self {
        case .invalidAddress(let input, let error): "invalid email address '\(input.prefix(100))': \(error)"
        case .unknownPlugin(let name, let available): "unknown plugin '\(name)' (available: \(available.joined(separator: ", ")))"
        case .invalidOption(let message): message
        }
    }
}
