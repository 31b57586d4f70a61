import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// Whole lookups through the default plugin set (as the CLI builds it) with DNS on loopback.
@Suite struct DNSLookupTests {
    static var dnsPlugins: [any ProviderPlugin] { [GmailPlugin(), Office365Plugin(), MXPlugin(), SRVPlugin(), ProbePlugin()] }

    @Test func nonexistentDomainIsNotFoundFast() async throws {
        let dns = try await DNSTestServer.dnsmasq([])
        let result = try await resolve("a@does-not-exist.test", plugins: Self.dnsPlugins, dns: dns)
        #expect(!result.found)
        #expect(!result.deadlineReached)
        #expect(!result.failedOnNetwork)
        // The first MX answer (NXDOMAIN) ends the lookup; everything still running is cancelled.
        #expect(result.nonexistentDomain == "does-not-exist.test does not exist (DNS NXDOMAIN)")
        #expect(result.reports.contains { $0.status == .notFound })
        #expect(result.reports.allSatisfy { $0.status == .notFound || $0.status == .cancelled })
        // Generous for a loaded two-core CI machine; the benchmark measures it precisely.
        #expect(result.elapsedMilliseconds < 2500)
    }

    @Test func deadResolverCannotOutliveTheDeadline() async throws {
        let dns = try await DNSTestServer.silent()
        let result = try await resolve("a@example.test", plugins: Self.dnsPlugins, dns: dns, timeout: .milliseconds(800))
        #expect(!result.found)
        #expect(result.deadlineReached)
        #expect(result.elapsedMilliseconds < 1300)
        #expect(result.elapsedMilliseconds >= 790)
    }

    @Test func defaultRegistryHasTheDNSSourcesInRankOrder() {
        let names = BuiltInPlugins.registry(options: AutoconfOptions(readsUserDirectory: false)).names
        let ours = names.filter { ["gmail", "office365", "mx", "srv", "probe"].contains($0) }
        #expect(ours == ["gmail", "office365", "mx", "srv", "probe"])
        #expect(names.firstIndex(of: "bundled")! < names.firstIndex(of: "gmail")!)
        #expect(names.last == "probe")
    }

    @Test func higherRankedSourceWinsAtEqualTrust() async throws {
        // Both SRV (outside the email domain, inside its registrable domain: confirm) and probe
        // (confirm) answer; SRV ranks higher.
        let mail = try await MailTestServer.start([.init("imaps", "imap", .implicit), .init("smtps", "smtp", .implicit)], names: ["imap.sub.both.test", "smtp.sub.both.test"])
        let dns = try await DNSTestServer.dnsmasq([
            "srv-host=_imaps._tcp.sub.both.test,imap.both.test,993,0,1",
            "srv-host=_submissions._tcp.sub.both.test,smtp.both.test,465,0,1",
        ])
        let result = try await resolve("a@sub.both.test", plugins: Self.dnsPlugins, dns: dns, connectTo: [
            "imap.sub.both.test:993:127.0.0.1:\(mail.port("imaps"))", "smtp.sub.both.test:465:127.0.0.1:\(mail.port("smtps"))",
        ])
        #expect(result.best?.provenance.plugin == "srv")
        #expect(result.best?.trust == .confirm(.unsignedDNS))
        #expect(result.incomingHost == "imap.both.test")
    }

    /// An unsigned SRV record naming another registrable domain is cross-domain, and ranks below a
    /// probe that found working servers under the domain's own names with validated certificates:
    /// anyone on the path can forge the record, while the probe's certificates prove who answered.
    @Test func aProbeOfTheDomainsOwnHostsOutranksAnUnsignedCrossDomainSRV() async throws {
        let mail = try await MailTestServer.start([.init("imaps", "imap", .implicit), .init("smtps", "smtp", .implicit)], names: ["imap.both.test", "smtp.both.test"])
        let dns = try await DNSTestServer.dnsmasq([
            "srv-host=_imaps._tcp.both.test,imap.elsewhere.test,993,0,1",
            "srv-host=_submissions._tcp.both.test,smtp.elsewhere.test,465,0,1",
        ])
        let result = try await resolve("a@both.test", plugins: Self.dnsPlugins, dns: dns, connectTo: [
            "imap.both.test:993:127.0.0.1:\(mail.port("imaps"))", "smtp.both.test:465:127.0.0.1:\(mail.port("smtps"))",
        ])
        #expect(result.best?.provenance.plugin == "probe")
        #expect(result.incomingHost == "imap.both.test")
        let srv = try #require(result.candidates.first { $0.provenance.plugin == "srv" })
        #expect(srv.trust == .confirm(.unsignedDNS, .crossDomain))
    }
}
