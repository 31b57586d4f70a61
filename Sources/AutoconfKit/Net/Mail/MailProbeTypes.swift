#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the prober is asked to check, and what it found.
package struct MailProbeTarget: Sendable, Hashable, CustomStringConvertible {
    /// The hostname a client would be configured with (certificates are checked for it).
    package var host: String
    package var port: Int
    /// `.imap`, `.pop3` or `.smtp`.
    package var type: ServerType
    /// `.ssl`: implicit TLS from the first byte; `.startTLS`: connect in plain and upgrade when
    /// the server offers it (a server that does not is reported as `.plain`).
    package var security: SocketType

    package init(host: String, port: Int, type: ServerType, security: SocketType) {
        self.host = host
        self.port = port
        self.type = type
        self.security = security
    }

    package var description: String { "\(type) \(host):\(port) (\(security))" }
}

package struct MailProbeResult: Sendable, Hashable {
    package var target: MailProbeTarget
    /// What the connection ended up as: `.ssl`, `.startTLS` (upgrade performed), or `.plain`.
    package var socketType: SocketType
    /// nil on a plain connection; otherwise whether the certificate validated for `target.host`.
    package var certificateValid: Bool?
    /// Why the certificate failed (OpenSSL's verify message), when it did.
    package var certificateProblem: String?
    /// When the server's certificate expires (its notAfter), on a TLS connection.
    package var certificateExpires: Date? = nil
    /// The server's greeting line, cut to 200 characters.
    package var greeting: String
    /// Capabilities as announced after TLS (CAPABILITY / CAPA / EHLO), uppercased.
    package var capabilities: [String]
    /// Authentication methods read from the capabilities.
    package var authentication: [Authentication]
    /// The address that answered.
    package var address: String
    /// Wall time of the whole probe.
    package var milliseconds: Double
}

package enum MailProbeError: Error, Sendable, Hashable, CustomStringConvertible {
    case resolve(String)
    case connect(String)
    case timeout(String)
    case tls(String)
    case protocolError(String)
    case cancelled

    package var description: String {
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
