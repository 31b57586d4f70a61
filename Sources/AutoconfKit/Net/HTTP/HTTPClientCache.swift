import Foundation

/// Keeps one `CurlHTTPClient` per configuration for the life of an `Autoconf` value, so that
/// consecutive lookups reuse its thread and its open connections (no new TLS handshake for the
/// same hosts). The client is built on the first request, not when a lookup starts: a lookup
/// that provider files answer never starts curl's thread or loads the CA store. Released with
/// the `Autoconf` value, which stops the client's thread.
final class HTTPClientCache: @unchecked Sendable {
    private let lock = NSLock()
    private var fetcher: LazyHTTPClient?

    /// The cached client when it was made for `configuration`, else a new one (which replaces it).
    func client(for configuration: HTTPClientConfiguration) -> any HTTPFetching {
        lock.lock()
        defer { lock.unlock() }
        if let fetcher, fetcher.configuration == configuration { return fetcher }
        let fresh = LazyHTTPClient(configuration: configuration)
        fetcher = fresh
        return fresh
    }
}

/// Builds the real client on first use.
final class LazyHTTPClient: HTTPFetching, @unchecked Sendable {
    let configuration: HTTPClientConfiguration
    private let lock = NSLock()
    private var client: Result<CurlHTTPClient, HTTPError>?

    init(configuration: HTTPClientConfiguration) { self.configuration = configuration }

    func fetch(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        try await resolved().fetch(request)
    }

    private func resolved() throws(HTTPError) -> CurlHTTPClient {
        lock.lock()
        defer { lock.unlock() }
        if client == nil {
            do throws(HTTPError) { client = .success(try CurlHTTPClient(configuration: configuration)) } catch { client = .failure(error) }
        }
        return try client!.get()
    }
}
