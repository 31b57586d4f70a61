#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the prober is asked to check, and what it found.
public struct MailProbeTarget: Sendable, Hashable, CustomStringConvertible {
    /// The hostname a client would be configured with (certificates are checked for it).
    public var host: String
    public var port: Int
    /// `.imap`, `.pop3` or `.smtp`.
    public var type: ServerType
    /// `.ssl`: implicit TLS from the first byte; `.startTLS`: connect in plain and upgrade when
    /// the server offers it (a server that does not is reported as `.plain`).
    public var security: SocketType

    public init(host: String, port: Int, type: ServerType, security: SocketType) {
        self.host = host
        self.port = port
        self.type = type
        self.security = security
    }

    public var description: String { "\(type) \(host):\(port) (\(security))" }
}

public struct MailProbeResult: Sendable, Hashable {
    public var target: MailProbeTarget
    /// What the connection ended up as: `.ssl`, `.startTLS` (upgrade performed), or `.plain`.
    public var socketType: SocketType
    /// nil on a plain connection; otherwise whether the certificate validated for `target.host`.
    public var certificateValid: Bool?
    /// Why the certificate failed (OpenSSL's verify message), when it did.
    public var certificateProblem: String?
    /// When the server's certificate expires (its notAfter), on a TLS connection.
    public var certificateExpires: Date? = nil
    /// The server's greeting line, cut to 200 characters.
    public var greeting: String
    /// Capabilities as announced after TLS (CAPABILITY / CAPA / EHLO), uppercased.
    public var capabilities: [String]
    /// Authentication methods read from the capabilities.
    public var authentication: [Authentication]
    /// The address that answered.
    public var address: String
    /// Wall time of the whole probe.
    public var milliseconds: Double
}

public enum MailProbeError: Error, Sendable, Hashable, CustomStringConvertible {
    case resolve(String)
    case connect(String)
    case timeout(String)
    case tls(String)
    case protocolError(String)
    case cancelled

    public var description: String {
        switch self {
        case .resolve(let what): "cannot resolve \(what)"
        case .connect(let what): "cannot connect: \(what)"
        case .timeout(let what): "timed out: \(what)"
        case .tls(let what): "TLS failed: \(what)"
        case .protocolError(let what): "unexpected reply: \(what)"
        case .cancelled: "cancelled"
        }
    }
}
