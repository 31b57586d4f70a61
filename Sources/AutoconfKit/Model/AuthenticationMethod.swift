#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The authentication vocabulary of draft-ietf-mailmaint-autoconfig, plus the legacy values
/// `plain` and `secure` that older documents use, and anything unknown kept verbatim.
public enum AuthenticationMethod: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The password, sent as is (inside TLS): `password-cleartext`, also `plain`.
    case passwordCleartext
    /// A challenge-response over the password (CRAM-MD5, SCRAM): `password-encrypted`, also `secure`.
    case passwordEncrypted
    /// An OAuth2 token (XOAUTH2, OAUTHBEARER) instead of the password.
    case oauth2
    /// Windows NTLM.
    case ntlm
    /// Kerberos (GSSAPI).
    case gssapi
    /// A TLS client certificate.
    case tlsClientCert
    /// No login: the server trusts the client's address.
    case clientIPAddress
    /// SMTP allowed after a POP3 login from the same address.
    case smtpAfterPOP
    /// No authentication.
    case none
    /// A value this version does not know, kept verbatim so it round-trips.
    case unknown(String)

    /// The method a document's value names (case-insensitive), or `.unknown`.
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

    /// The document's spelling (`password-cleartext`…).
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

    /// The document's spelling.
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
    /// The method.
    public var method: AuthenticationMethod
    /// The SASL mechanism or system named, if any.
    public var system: String?

    /// An entry for `method`, optionally naming its `system`.
    public init(_ method: AuthenticationMethod, system: String? = nil) {
        self.method = method
        self.system = system
    }

    /// The method, with its system in parentheses.
    public var description: String { system.map { "\(method) (\($0))" } ?? method.rawValue }
}
