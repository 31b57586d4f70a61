import AutoconfKit
import AutoconfTestSupport
import Foundation

/// Runs a real lookup (real Resolver, real CurlHTTPClient) against a test server.
func lookup(_ server: HTTPTestServer, _ address: String = "alice@example.test", plugins: [String]? = nil,
            timeout: Duration = .seconds(5), httpsOnly: Bool = false, dns: (any DNSResolving)? = nil) async throws -> LookupResult {
    let autoconf = Autoconf(options: server.options(plugins: plugins, timeout: timeout, httpsOnly: httpsOnly))
    // DNS always comes from the test: by default a table that knows the domain but holds no
    // records, so no test asks the machine's own resolver (and no NXDOMAIN ends a lookup early).
    let dns = dns ?? FakeDNS()
    let email = try EmailAddress(address)
    let services = BuiltInPlugins.services(options: autoconf.options).with(DNSResolverKey.self, dns)
    return await (try autoconf.resolver()).lookup(LookupQuery(email: email, httpsOnly: httpsOnly), services: services)
}

extension LookupResult {
    var bestHost: String? { best?.configuration.incoming.first?.hostname }
    func report(_ plugin: String) -> PluginReport? { reports.first { $0.plugin == plugin } }
}

/// DNS answers from a table, for the Autodiscover SRV slot.
struct FakeDNS: DNSResolving {
    var srvRecords: [String: [SRVRecord]] = [:]
    var authenticated = false
    /// Every SRV answer fails DNSSEC validation.
    var bogus = false

    func mx(_ name: String) async throws(DNSError) -> DNSAnswer<[MXRecord]> { throw .nodata(name) }
    func srv(_ name: String) async throws(DNSError) -> DNSAnswer<[SRVRecord]> {
        if bogus { throw .bogus(name, "signature crypto failed") }
        guard let records = srvRecords[name] else { throw .nxdomain(name) }
        return DNSAnswer(records: records, authenticated: authenticated)
    }
    func txt(_ name: String) async throws(DNSError) -> DNSAnswer<[String]> { throw .nodata(name) }
    func addresses(_ name: String) async throws(DNSError) -> DNSAnswer<[String]> { throw .nodata(name) }
    func cname(_ name: String) async throws(DNSError) -> DNSAnswer<String?> { throw .nodata(name) }
}

let autoconfigPath = "/mail/config-v1.1.xml"
let wellKnownPath = "/.well-known/autoconfig/mail/config-v1.1.xml"
let autodiscoverPath = "/autodiscover/autodiscover.xml"
