#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// Builds the real libcurl client on its first request: a lookup that provider files answer never
/// starts curl's thread or loads the CA store. One lives as long as its `Autoconf` value, so
/// consecutive lookups reuse its thread and open connections.
final class LazyHTTPClient: HTTPFetching, Sendable {
    let configuration: HTTPClientConfiguration
    private let client = Mutex<Result<CurlHTTPClient, HTTPError>?>(nil)

    init(configuration: HTTPClientConfiguration) { self.configuration = configuration }

    func fetch(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        try await resolved().fetch(request)
    }

    private func resolved() throws(HTTPError) -> CurlHTTPClient {
        let made = client.withLock { client in
            if client == nil {
                do throws(HTTPError) { client = .success(try CurlHTTPClient(configuration: configuration)) } catch { client = .failure(error) }
            }
            return client!
        }
        return try made.get()
    }
}
