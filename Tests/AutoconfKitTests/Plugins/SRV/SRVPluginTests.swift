import AutoconfKit
import AutoconfTestSupport
import Testing

@Suite struct SRVPluginTests {
    /// A fixed "random" source, so RFC 2782's weighted choice is repeatable: 2^58 makes every
    /// small-range draw 0 (and, unlike 0 itself, never traps Swift's rejection sampling in a loop).
    static let fixed: @Sendable () -> UInt64 = { 1 << 58 }

    @Test func ordersByPriorityThenWeightAndPrefersImplicitTLS() async throws {
        let dns = try await DNSTestServer.dnsmasq([
            // _imaps: priority 20 is a backup; among priority 10 the weight-0 record goes first
            // only when the draw is 0, which the fixed source makes it.
            "srv-host=_imaps._tcp.srv.test,backup.srv.test,993,20,100",
            "srv-host=_imaps._tcp.srv.test,imap1.srv.test,993,10,0",
            "srv-host=_imaps._tcp.srv.test,imap2.srv.test,9993,10,50",
            "srv-host=_imap._tcp.srv.test,imap.srv.test,143,0,1",
            "srv-host=_pop3._tcp.srv.test",
            "srv-host=_submission._tcp.srv.test,smtp.srv.test,587,0,1",
            "srv-host=_submissions._tcp.srv.test,smtps.srv.test,465,0,1",
        ])
        let result = try await resolve("a@srv.test", plugins: [SRVPlugin(random: Self.fixed)], dns: dns)
        let incoming = try #require(result.best?.configuration.incoming)
        #expect(incoming.map(\.endpoint) == ["imap1.srv.test:993", "imap2.srv.test:9993", "backup.srv.test:993", "imap.srv.test:143"])
        #expect(incoming.map(\.socketType) == [.ssl, .ssl, .ssl, .startTLS])
        #expect(!incoming.contains { $0.type == .pop3 })  // "." target: not offered
        #expect(result.best?.configuration.outgoing.map(\.endpoint) == ["smtps.srv.test:465", "smtp.srv.test:587"])
        // Every target is inside the email domain: the domain names its own hosts.
        #expect(result.best?.trust == .trusted)
        #expect(result.best?.provenance.channel == .dns)
    }

    @Test func weightedChoiceFollowsRFC2782() {
        // Draw in 0...total picks the first record whose running sum reaches it.
        let records = [SRVRecord(priority: 1, weight: 0, port: 1, target: "a"), SRVRecord(priority: 1, weight: 10, port: 1, target: "b"),
                       SRVRecord(priority: 1, weight: 90, port: 1, target: "c"), SRVRecord(priority: 0, weight: 5, port: 1, target: "first")]
        var counts: [String: Int] = [:]
        for seed in 0..<2000 {
            let plugin = SRVPluginOrderProbe(seed: UInt64(seed))
            counts[plugin.firstAfterTop(records), default: 0] += 1
        }
        // c (weight 90) leads most often, b sometimes, a (weight 0) rarely.
        #expect(counts["c", default: 0] > counts["b", default: 0])
        #expect(counts["b", default: 0] > counts["a", default: 0])
    }

    @Test func targetsOutsideTheDomainNeedConfirmationUnlessSigned() async throws {
        let dns = try await DNSTestServer.dnsmasq([
            "srv-host=_imaps._tcp.hosted.test,imap.provider.test,993,0,1",
            "srv-host=_submissions._tcp.hosted.test,smtp.provider.test,465,0,1",
            "srv-host=_imaps._tcp.none.test",
            "srv-host=_jmap._tcp.jmap.test,api.provider.test,443,0,1",
        ])
        let hosted = try await resolve("a@hosted.test", plugins: [SRVPlugin()], dns: dns)
        // provider.test is another registrable domain: unsigned, that is cross-domain too (RFC 6186 §6).
        #expect(hosted.best?.trust == .confirm(.unsignedDNS, .crossDomain))
        #expect(hosted.best?.provenance.dnssecAuthenticated == false)
        #expect(!(try await resolve("a@none.test", plugins: [SRVPlugin()], dns: dns)).found)
        let jmap = try await resolve("a@jmap.test", plugins: [SRVPlugin()], dns: dns)
        #expect(jmap.best?.configuration.incoming.first?.url == "https://api.provider.test/.well-known/jmap")

        let signed = try await DNSTestServer.signed([
            "_imaps._tcp.hosted.test": ["SRV": [[0, 1, 993, "imap.provider.test"]]],
            "_submissions._tcp.hosted.test": ["SRV": [[0, 1, 465, "smtp.provider.test"]]],
        ])
        // A forged AD bit earns nothing by default...
        let forged = try await resolve("a@hosted.test", plugins: [SRVPlugin()], dns: signed)
        #expect(forged.best?.trust.level == .confirm)
        #expect(forged.best?.provenance.dnssecAuthenticated == false)
        // ...only with --trust-resolver-ad (a validating resolver on loopback).
        let authenticated = try await resolve("a@hosted.test", plugins: [SRVPlugin()], dns: signed, trustResolverAD: true)
        #expect(authenticated.best?.trust == .trusted)
        #expect(authenticated.best?.provenance.dnssecAuthenticated == true)
    }

    /// One service name refused, the others absent: the resolver said nothing about _imaps, so
    /// the source failed; it did not establish that the domain publishes no SRV records.
    @Test func aRefusedServiceNameIsAFailureNotANo() async throws {
        let dns = try await DNSTestServer.delayed(milliseconds: 0, [
            "_imaps._tcp.partly.test": ["REFUSED": []], "partly.test": ["A": ["192.0.2.1"]],
        ])
        let result = try await resolve("a@partly.test", plugins: [SRVPlugin()], dns: dns)
        #expect(!result.found)
        #expect(result.reports.first { $0.plugin == "srv" }?.status == .failed)
    }
}

/// Drives the SRV plugin's ordering through its public seam: one _imaps answer, order read back.
struct SRVPluginOrderProbe {
    let seed: UInt64
    func firstAfterTop(_ records: [SRVRecord]) -> String {
        var generator = SplitMix(state: seed)
        return SRVOrder.rfc2782(records, using: &generator).dropFirst().first?.target ?? "?"
    }
}

struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
