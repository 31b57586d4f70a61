#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How the connection is secured: `SSL` is implicit TLS from the first byte (RFC 8314's preferred
/// form), `STARTTLS` upgrades a plain connection, `plain` is no encryption at all.
public enum SocketType: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Implicit TLS from the first byte.
    case ssl = "SSL"
    /// A plain connection upgraded with STARTTLS, which must succeed.
    case startTLS = "STARTTLS"
    /// No encryption.
    case plain

    /// Parses the config-v1.1 spelling and the common aliases (`TLS` is implicit TLS in most
    /// documents that use it).
    public init?(document value: String) {
        switch value.trimmed.lowercased() {
        case "ssl", "tls", "implicit-tls": self = .ssl
        case "starttls": self = .startTLS
        case "plain", "none": self = .plain
        default: return nil
        }
    }

    /// The config-v1.1 spelling: `SSL`, `STARTTLS`, `plain`.
    public var description: String { rawValue }

    /// Lower is better: implicit TLS, then STARTTLS, then plain.
    public var securityRank: Int {
        switch self {
        case .ssl: 0
        case .startTLS: 1
        case .plain: 2
        }
    }
}
