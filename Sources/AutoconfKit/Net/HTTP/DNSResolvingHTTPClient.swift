/// Resolves each request's host with autoconf's own DNS resolver before handing the request to
/// the HTTP client, so `--dns-server` governs HTTP sources exactly as it governs DNS sources
/// (libcurl on Debian resolves through the system otherwise). Used only when DNS servers are
/// given; with the system resolvers curl's own lookup is equivalent.
public struct DNSResolvingHTTPClient: HTTPFetching {
    public let inner: any HTTPFetching
    public let resolver: any DNSResolving

    public init(inner: any HTTPFetching, resolver: any DNSResolving) {
        self.inner = inner
        self.resolver = resolver
    }

    public func fetch(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        guard request.addresses == nil, let host = TextReport.hostOf(request.url), Hostname.isValid(host), !isIPAddress(host) else {
            return try await inner.fetch(request)
        }
        let answer: DNSAnswer<[String]>
        do {
            answer = try await resolver.addresses(host)
        } catch {
            throw .resolve("\(host): \(error)")
        }
        guard !answer.records.isEmpty else { throw .resolve("\(host): no addresses") }
        var resolved = request
        resolved.addresses = answer.records
        return try await inner.fetch(resolved)
    }

    private func isIPAddress(_ host: String) -> Bool {
        host.allSatisfy { $0.isNumber || $0 == "." }
    }
}
