import AutoconfKit
import AutoconfTestSupport
import Foundation

/// Runs the real Resolver with the given plugins and real services pointed at test servers.
func resolve(
    _ address: String, plugins: [any ProviderPlugin], dns: DNSTestServer, http: (any HTTPFetching)? = nil,
    caFile: String? = nil, connectTo: [String] = [], timeout: Duration = .seconds(8), trustResolverAD: Bool = false,
    trustAnchor: DNSTrustAnchor = .none
) async throws -> LookupResult {
    try await resolve(address, plugins: plugins, dnsServer: dns.address, http: http, caFile: caFile, connectTo: connectTo,
                      timeout: timeout, trustResolverAD: trustResolverAD, trustAnchor: trustAnchor)
}

/// The same against any DNS server address (the signed zone's nsd, for one).
func resolve(
    _ address: String, plugins: [any ProviderPlugin], dnsServer: String, http: (any HTTPFetching)? = nil,
    caFile: String? = nil, connectTo: [String] = [], timeout: Duration = .seconds(8), trustResolverAD: Bool = false,
    trustAnchor: DNSTrustAnchor = .none
) async throws -> LookupResult {
    var options = AutoconfOptions(readsUserDirectory: false)
    options.dnsServers = [dnsServer]
    options.trustResolverAD = trustResolverAD
    // dnsmasq's and the stub's .test zones are unsigned and answer no root DNSKEY: without an
    // anchor they are insecure; with the root anchor they would be bogus (DNSSECTests covers that).
    options.trustAnchor = trustAnchor
    // TestCA.shared is made on first use with openssl: never block a cooperative thread on it.
    options.caFile = try await offThePool { caFile ?? TestCA.shared.caFile }
    options.connectTo = connectTo
    var services = BuiltInPlugins.services(options: options)
    services[HTTPClientKey.self] = http  // nil: no HTTP client at all (the MX plugin must cope)
    let resolver = Resolver(plugins: plugins, timeout: timeout)
    return await resolver.lookup(LookupQuery(email: try EmailAddress(address)), services: services)
}

/// An HTTPFetching that answers from a table and records what was asked (stands in for the
/// libcurl client, which lives on another branch; the seam is what the MX plugin depends on).
final class TableHTTP: HTTPFetching, @unchecked Sendable {
    private let lock = NSLock()
    private var asked: [String] = []
    let pages: [String: String]

    init(_ pages: [String: String]) { self.pages = pages }

    var requested: [String] {
        lock.lock()
        defer { lock.unlock() }
        return asked
    }

    func fetch(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        lock.withLock { asked.append(request.url) }
        guard let body = pages[request.url] else { return HTTPResponse(status: 404, url: request.url, tlsVerified: true) }
        return HTTPResponse(status: 200, headers: ["content-type": "text/xml"], body: Array(body.utf8), url: request.url, tlsVerified: true)
    }
}

func configXML(id: String, imap: String, smtp: String) -> String {
    """
    <?xml version="1.0"?>
    <clientConfig version="1.1"><emailProvider id="\(id)"><domain>\(id)</domain>
    <incomingServer type="imap"><hostname>\(imap)</hostname><port>993</port><socketType>SSL</socketType>
    <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
    <outgoingServer type="smtp"><hostname>\(smtp)</hostname><port>465</port><socketType>SSL</socketType>
    <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
    </emailProvider></clientConfig>
    """
}

extension LookupResult {
    var incomingHost: String? { best?.configuration.incoming.first?.hostname }
    var outgoingHost: String? { best?.configuration.outgoing.first?.hostname }
}
