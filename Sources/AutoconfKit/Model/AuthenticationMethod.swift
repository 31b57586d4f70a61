#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The authentication vocabulary of draft-ietf-mailmaint-autoconfig, plus the legacy values
/// `plain` and `secure` that older documents use, and anything unknown kept verbatim.
public enum AuthenticationMethod: Sendable, Hashable, Codable, CustomStringConvertible {
    case passwordCleartext
    case passwordEncrypted
    case oauth2
    case ntlm
    case gssapi
    case tlsClientCert
    case clientIPAddress
    case smtpAfterPOP
    case none
    case unknown(String)

    public init(rawValue: String) {
        switch rawValue.trimmed.lowercased() {
        case "password-cleartext", "plain": self = .passwordCleartext
        case "password-encrypted", "secure": self = .passwordEncrypted
        case "oauth2": self = .oauth2
        case "ntlm": self = .ntlm
        case "gssapi": self = .gssapi
        case "tls-client-cert": self = .tlsClientCert
        case "client-ip-address": self = .clientIPAddress
        case "smtp-after-pop": self = .smtpAfterPOP
        case "none": self = .none
        default: self = .unknown(rawValue)
        }
    }

    public var rawValue: String {
        switch self {
        case .passwordCleartext: "password-cleartext"
        case .passwordEncrypted: "password-encrypted"
        case .oauth2: "OAuth2"
        case .ntlm: "NTLM"
        case .gssapi: "GSSAPI"
        case .tlsClientCert: "TLS-client-cert"
        case .clientIPAddress: "client-IP-address"
        case .smtpAfterPOP: "smtp-after-pop"
        case .none: "none"
        case .unknown(let value): value
        }
    }

    public var description: String { rawValue }

    /// Methods that send the user's password (in some form) to the server.
    public var usesPassword: Bool {
        switch self {
        case .passwordCleartext, .passwordEncrypted, .ntlm: true
        default: false
        }
    }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// One `<authentication>` entry: the method, and the draft's optional `system` attribute (which
/// names a SASL mechanism or system the server uses for it, e.g. `system="SCRAM-SHA-256"`).
public struct Authentication: Sendable, Hashable, Codable, CustomStringConvertible {
    public var method: AuthenticationMethod
    public var system: String?

    public init(_ method: AuthenticationMethod, system: String? = nil) {
        self.method = method
        self.system = system
    }

    public var description: String { system.map { "\(method) (\($0))" } ?? method.rawValue }
}
