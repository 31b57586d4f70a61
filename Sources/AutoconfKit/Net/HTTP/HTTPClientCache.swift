import Foundation

/// Keeps one `CurlHTTPClient` per configuration for the life of an `Autoconf` value, so that
/// consecutive lookups reuse its thread and its open connections (no new TLS handshake for the
/// same hosts). Released with the `Autoconf` value, which stops the client's thread.
final class HTTPClientCache: @unchecked Sendable {
    private let lock = NSLock()
    private var client: CurlHTTPClient?

    /// The cached client when it was built from `configuration`, else a new one (which replaces it).
    func client(for configuration: HTTPClientConfiguration) throws(HTTPError) -> CurlHTTPClient {
        lock.lock()
        defer { lock.unlock() }
        if let client, client.configuration == configuration { return client }
        let fresh = try CurlHTTPClient(configuration: configuration)
        client = fresh
        return fresh
    }
}
