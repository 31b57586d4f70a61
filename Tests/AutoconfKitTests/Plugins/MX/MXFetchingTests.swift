import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// The MX plugin fetches the hoster's URLs with the autoconfig plugin's document source and
/// race (redirects, content types, early stop), against the HTTPS test server and dnsmasq.
@Suite struct MXFetchingTests {
    static let ispdb = "https://ispdb.test/v1.1/"

    /// `a@shop.example.test` has its mail at `mx.hoster.test`: the plugin asks
    /// autoconfig.hoster.test, then the ISPDB for hoster.test.
    func lookup(_ routes: [HTTPTestServer.Route], timeout: Duration = .seconds(8)) async throws -> (LookupResult, Duration, HTTPTestServer) {
        let dns = try await DNSTestServer.dnsmasq(["mx-host=shop.example.test,mx.hoster.test,10"])
        let server = try await HTTPTestServer.start(routes: routes)
        var options = AutoconfOptions(readsUserDirectory: false)
        options.dnsServers = [dns.address]
        options.trustAnchor = .none  // dnsmasq's .test zone cannot validate from the root
        options.caFile = try await offThePool { TestCA.shared.caFile }
        options.connectTo = server.connectTo
        let services = BuiltInPlugins.services(options: options)
        let resolver = Resolver(plugins: [MXPlugin(ispdbBaseURL: Self.ispdb)], timeout: timeout)
        let start = ContinuousClock.now
        let result = await resolver.lookup(LookupQuery(email: try EmailAddress("a@shop.example.test")), services: services)
        return (result, ContinuousClock.now - start, server)
    }

    @Test func redirectsAreFollowedUnderTheSameRules() async throws {
        let (result, _, server) = try await lookup([
            .redirect("autoconfig.hoster.test", autoconfigPath, to: "https://autoconfig.hoster.test/moved.xml"),
            .answer("autoconfig.hoster.test", "/moved.xml", body: TestDocuments.config(imap: "imap.hoster.test", id: "hoster.test")),
            .status("ispdb.test", "/v1.1/hoster.test", 404),
        ])
        #expect(result.incomingHost == "imap.hoster.test")
        #expect(result.best?.provenance.redirects == ["https://autoconfig.hoster.test/mail/config-v1.1.xml?emailaddress=a%40shop.example.test"])
        #expect(result.best?.provenance.source == "https://autoconfig.hoster.test/moved.xml")
        // hoster.test is another registrable domain than shop.example.test (RFC 7817).
        #expect(result.best?.trust == .confirm(.unsignedDNS, .crossDomain))
        #expect(result.best?.provenance.dnssecAuthenticated == false)
        // The address travels percent-encoded, as the autoconfig plugin sends it.
        #expect(server.requests().contains { $0.host == "autoconfig.hoster.test" && $0.query == "emailaddress=a%40shop.example.test" })
    }

    @Test func aPageServedAsHTMLIsNoConfiguration() async throws {
        // A parked domain's catch-all page that happens to hold a config-shaped document.
        let html = TestDocuments.config(imap: "parked.hoster.test", id: "hoster.test")
            .replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", with: "<!-- parked -->")
        let (result, _, _) = try await lookup([
            .answer("autoconfig.hoster.test", autoconfigPath, body: html, contentType: "text/html"),
            .answer("ispdb.test", "/v1.1/hoster.test", body: TestDocuments.config(imap: "imap.ispdb-listed.hoster.test", id: "hoster.test")),
        ])
        #expect(result.incomingHost == "imap.ispdb-listed.hoster.test")
        #expect(!result.candidates.contains { $0.configuration.incoming.first?.hostname == "parked.hoster.test" })
    }

    @Test func theRaceStopsOnceNothingRunningCanWin() async throws {
        // The first URL answers; the ISPDB, ranked below it, hangs. The lookup does not wait for
        // it (waiting would take the per-request timeout, 5 s).
        let (result, elapsed, _) = try await lookup([
            .answer("autoconfig.hoster.test", autoconfigPath, body: TestDocuments.config(imap: "imap.hoster.test", id: "hoster.test")),
            .hang("ispdb.test", "/v1.1/hoster.test", seconds: 30),
        ])
        #expect(result.incomingHost == "imap.hoster.test")
        #expect(result.report("mx")?.status == .found)
        #expect(elapsed < .seconds(3), "\(elapsed)")
    }
}
