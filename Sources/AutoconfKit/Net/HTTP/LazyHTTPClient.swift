/// Builds the real libcurl client on a thread of its own, at the first request or earlier when
/// `prepare()` is called (the resolver's network warm-up does, as a lookup that will touch the
/// network starts): loading libcurl and OpenSSL and finding the trust store take ~10–20 ms of
/// dlopen, relocation and file reads, which then run beside the first DNS round trip instead of
/// in front of every request, and never on a cooperative thread. A lookup that provider files
/// answer never starts curl's thread or loads anything. One lives as long as its `Autoconf`
/// value, so consecutive lookups reuse its thread and open connections.
final class LazyHTTPClient: HTTPFetching, Sendable {
    let configuration: HTTPClientConfiguration
    private let client: BackgroundValue<Result<CurlHTTPClient, HTTPError>>

    init(configuration: HTTPClientConfiguration) {
        self.configuration = configuration
        client = BackgroundValue(name: "autoconf-load") {
            do throws(HTTPError) { return .success(try CurlHTTPClient(configuration: configuration)) } catch { return .failure(error) }
        }
    }

    /// Starts building the client in the background; returns at once.
    func prepare() { client.start() }

    func fetch(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        try await client.value().get().fetch(request)
    }
}
