#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Resolves each request's host with autoconf's own DNS resolver before handing the request to
/// the HTTP client, so `--dns-server` governs HTTP sources exactly as it governs DNS sources
/// (libcurl on Debian resolves through the system otherwise). Used only when DNS servers are
/// given; with the system resolvers curl's own lookup is equivalent. Hosts pinned with
/// `--resolve` or `--connect-to` are not looked up: as in curl, the pin wins over any DNS.
public struct DNSResolvingHTTPClient: HTTPFetching {
    public let inner: any HTTPFetching
    public let resolver: any DNSResolving
    public let overrides: ConnectOverrides

    public init(inner: any HTTPFetching, resolver: any DNSResolving, overrides: ConnectOverrides = ConnectOverrides()) {
        self.inner = inner
        self.resolver = resolver
        self.overrides = overrides
    }

    public func fetch(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        await CurlLibrary.ready()  // hostOf parses with libcurl: loaded off the pool first
        guard request.addresses == nil, let host = TextReport.hostOf(request.url), Hostname.isValid(host), !isIPAddress(host),
              !isPinned(host, url: request.url) else {
            return try await inner.fetch(request)
        }
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
            case .servfail, .other: throw .connect("resolving \(host): \(error)")
            }
        }
        guard !answer.records.isEmpty else { throw .resolve("\(host): no addresses") }
        var resolved = request
        resolved.addresses = answer.records
        return try await inner.fetch(resolved)
    }

    /// True when `--resolve` or `--connect-to` decides where this request goes.
    private func isPinned(_ host: String, url: String) -> Bool {
        guard !overrides.isEmpty else { return false }
        let components = URLComponents(string: url)
        let port = components?.port ?? (components?.scheme?.lowercased() == "http" ? 80 : 443)
        let route = overrides.route(host: host, port: port)
        return route.addresses != nil || route.host != DNSPluginSupport.normalized(host) || route.port != port
    }

    private func isIPAddress(_ host: String) -> Bool {
        host.allSatisfy { $0.isNumber || $0 == "." }
    }
}
