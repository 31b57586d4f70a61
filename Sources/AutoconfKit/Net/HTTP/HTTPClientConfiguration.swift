#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// What the user can set about the HTTP layer: extra trusted roots, host mappings (curl's
/// `--resolve` and `--connect-to`, which are also how the test suite reaches its local server) and
/// the connect timeout. Validated before any request so a typo is a one-line error, not a failed
/// lookup.
public struct HTTPClientConfiguration: Sendable, Hashable {
    /// A PEM bundle trusted in addition to the system roots (enterprise CAs, test CAs).
    public var caFile: String?
    /// `HOST:PORT:ADDR[,ADDR…]`: connect to ADDR whenever HOST:PORT is requested (curl `--resolve`).
    public var resolve: [String]
    /// `HOST:PORT:CONNECT-HOST:CONNECT-PORT`: connect elsewhere, keeping the requested name for
    /// SNI, the certificate check and the Host header (curl `--connect-to`; empty parts match any).
    public var connectTo: [String]
    /// How long a TCP + TLS connection may take (the request timeout still applies on top).
    public var connectTimeout: Duration
    public var userAgent: String

    public static let defaultUserAgent = "autoconf/\(AutoconfVersion.string)"

    public init(
        caFile: String? = nil, resolve: [String] = [], connectTo: [String] = [], connectTimeout: Duration = .seconds(3),
        userAgent: String = HTTPClientConfiguration.defaultUserAgent
    ) {
        self.caFile = caFile
        self.resolve = resolve
        self.connectTo = connectTo
        self.connectTimeout = connectTimeout
        self.userAgent = userAgent
    }

    /// The first problem, as the one line a user sees, or nil when everything is usable.
    public func problem() -> String? {
        if let caFile {
            guard let data = FileManager.default.contents(atPath: caFile) else { return "--ca-file \(caFile): cannot read the file" }
            guard String(decoding: data, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
                return "--ca-file \(caFile): no PEM certificate in the file"
            }
        }
        // One parser for both option lists, shared with the mail prober (ConnectOverrides).
        if case .failure(let error) = ConnectOverrides.parse(resolve: resolve, connectTo: connectTo) { return error.message }
        return nil
    }
}
