#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the user can set about the HTTP layer: extra trusted roots, host mappings (curl's
/// `--resolve` and `--connect-to`, which are also how the test suite reaches its local server) and
/// the connect timeout. The mappings are parsed when the configuration is made; `problem()` says
/// before any request what is unusable, so a typo is a one-line error, not a failed lookup.
package struct HTTPClientConfiguration: Sendable, Hashable {
    /// A PEM bundle trusted in addition to the system roots (enterprise CAs, test CAs).
    package var caFile: String?
    /// The parsed `--resolve` / `--connect-to` rules; libcurl receives the lines written from them.
    package var overrides: ConnectOverrides
    /// Why the curl-style lists given to `init(caFile:resolve:connectTo:…)` could not be parsed.
    package private(set) var overridesProblem: String?
    /// How long a TCP + TLS connection may take (the request timeout still applies on top).
    package var connectTimeout: Duration
    package var userAgent: String

    package static let defaultUserAgent = "autoconf/\(AutoconfVersion.string)"

    /// With rules already parsed (`AutoconfOptions` parses them once).
    package init(
        caFile: String? = nil, overrides: ConnectOverrides, connectTimeout: Duration = .seconds(3),
        userAgent: String = HTTPClientConfiguration.defaultUserAgent
    ) {
        self.caFile = caFile
        self.overrides = overrides
        self.connectTimeout = connectTimeout
        self.userAgent = userAgent
    }

    /// From curl-style lists (`HOST:PORT:ADDR[,ADDR…]`, `HOST:PORT:CONNECT-HOST:CONNECT-PORT`);
    /// an unusable entry is reported by `problem()` and makes the client refuse to start.
    package init(
        caFile: String? = nil, resolve: [String] = [], connectTo: [String] = [], connectTimeout: Duration = .seconds(3),
        userAgent: String = HTTPClientConfiguration.defaultUserAgent
    ) {
        self.init(caFile: caFile, overrides: ConnectOverrides(), connectTimeout: connectTimeout, userAgent: userAgent)
        switch ConnectOverrides.parse(resolve: resolve, connectTo: connectTo) {
        case .success(let parsed): overrides = parsed
        case .failure(let error): overridesProblem = error.message
        }
    }

    /// The first problem, as the one line a user sees, or nil when everything is usable.
    package func problem() -> String? {
        if let overridesProblem { return overridesProblem }
        if let caFile {
            guard let data = FileManager.default.contents(atPath: caFile) else { return "--ca-file \(caFile): cannot read the file" }
            guard String(decoding: data, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
                return "--ca-file \(caFile): no PEM certificate in the file"
            }
        }
        return nil
    }
}
