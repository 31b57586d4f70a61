/// Resolves each request's host with autoconf's own DNS resolver before handing the request to
/// the HTTP client, so `--dns-server` governs HTTP sources exactly as it governs DNS sources
/// (libcurl on Debian resolves through the system otherwise). Used only when DNS servers are
/// given; with the system resolvers `SystemResolvingHTTPClient` resolves as curl would. Hosts pinned with
/// `--resolve` or `--connect-to` are not looked up: as in curl, the pin wins over any DNS.
package struct DNSResolvingHTTPClient: HTTPFetching {
    package let inner: any HTTPFetching
    package let resolver: any DNSResolving
    package let overrides: ConnectOverrides

    package init(inner: any HTTPFetching, resolver: any DNSResolving, overrides: ConnectOverrides = ConnectOverrides()) {
        self.inner = inner
        self.resolver = resolver
        self.overrides = overrides
    }

    package func fetch(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        await CurlLibrary.ready()  // URLHost parses with libcurl: loaded off the pool first
        guard request.addresses == nil, let target = URLHost.parse(request.url), Hostname.isValid(target.host),
              !IPAddress.isLiteral(target.host), !IPAddress.looksNumeric(target.host),
              !overrides.decides(host: target.host, port: target.port) else {
            return try await inner.fetch(request)
        }
        let host = target.host
        let answer: DNSAnswer<[String]>
        do {
            answer = try await resolver.addresses(host)
        } catch {
            // Only "the name has no addresses" means the source does not exist. A server that
            // refused or failed to answer said nothing about the name: that is a failure, which
            // must not count as "not found" (nor let the lookup end with exit 1).
            switch error {
            case .nxdomain, .nodata: throw .resolve("\(host): \(error)")
            case .cancelled: throw .cancelled
            case .timeout: throw .timeout("resolving \(host): \(error)")
            case .servfail, .bogus, .other: throw .connect("resolving \(host): \(error)")
            }
        }
        guard !answer.records.isEmpty else { throw .resolve("\(host): no addresses") }
        var resolved = request
        resolved.addresses = answer.records
        return try await inner.fetch(resolved)
    }
}
