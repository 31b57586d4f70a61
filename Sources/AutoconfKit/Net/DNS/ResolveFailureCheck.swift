/// With the system's resolvers hosts are resolved by getaddrinfo (libcurl's, or
/// `SystemResolvingHTTPClient`'s ahead of it), and "the name does not exist" and "no resolver
/// could be reached" both end as one error (CURLE_COULDNT_RESOLVE_HOST, `.resolve`), which the
/// HTTP sources read as "not published here". With no network at all, a lookup limited to HTTP
/// sources then ended "nothing found" (exit 1) instead of "network failure" (exit 3). When libcurl
/// cannot resolve a host, this asks c-ares once for its addresses: NXDOMAIN or NODATA confirms the
/// absence; a timeout or an unreachable or failing resolver turns the error into a network failure.
/// Successful requests cost nothing.
package struct ResolveFailureCheck: HTTPFetching, HTTPPreparing {
    package let inner: any HTTPFetching
    package let resolver: any DNSResolving

    package init(inner: any HTTPFetching, resolver: any DNSResolving) {
        self.inner = inner
        self.resolver = resolver
    }

    package func prepare(_ request: HTTPRequest) { (inner as? any HTTPPreparing)?.prepare(request) }

    package func fetch(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        do {
            return try await inner.fetch(request)
        } catch {
            guard case .resolve(let message) = error, let host = URLHost.of(request.url), Hostname.isValid(host) else { throw error }
            do throws(DNSError) {
                _ = try await resolver.addresses(host)
            } catch {
                switch error {
                case .nxdomain, .nodata: break
                case .cancelled: throw .cancelled
                case .timeout: throw .timeout("resolving \(host): \(error)")
                case .servfail, .bogus, .other: throw .connect("resolving \(host): \(error)")
                }
            }
            throw .resolve(message)
        }
    }
}
