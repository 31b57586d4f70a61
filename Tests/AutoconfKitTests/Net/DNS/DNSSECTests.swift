@testable import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// DNSSEC validated by autoconf itself (libunbound), against a zone signed by ldns-signzone and
/// served by nsd on 127.0.0.1, with the zone's DS as the trust anchor.
@Suite struct DNSSECTests {
    static let records = [
        "_imaps._tcp IN SRV 0 1 993 imap.provider.test.",
        "_submissions._tcp IN SRV 0 1 465 smtp.provider.test.",
        "@ IN MX 10 aspmx.l.google.com.",
        "imap IN A 127.0.0.1",
    ]

    static func resolver(_ zone: SignedZoneServer, anchor: DNSTrustAnchor) -> UnboundResolver {
        UnboundResolver(servers: [zone.address], trustAnchor: anchor, addresses: CaresResolver(servers: [zone.address]))
    }

    @Test func signedAnswersAreValidatedFromTheAnchor() async throws {
        let zone = try await SignedZoneServer.start(origin: "signed.test", records: Self.records)
        let dns = Self.resolver(zone, anchor: .file(zone.anchor))
        let srv = try await dns.srv("_imaps._tcp.signed.test")
        #expect(srv.records == [SRVRecord(priority: 0, weight: 1, port: 993, target: "imap.provider.test")])
        #expect(srv.validation == .validated)
        #expect(srv.authenticated)
        let mx = try await dns.mx("signed.test")
        #expect(mx.validation == .validated)
        // A signed denial is an answer too: NXDOMAIN for a name the NSEC chain proves absent.
        await #expect(throws: DNSError.nxdomain("nothing.signed.test")) { try await dns.srv("nothing.signed.test") }
        // Addresses come from c-ares, unvalidated: the servers they reach are checked by TLS.
        #expect(try await dns.addresses("imap.signed.test").records == ["127.0.0.1"])
    }

    @Test func withoutAnAnchorTheSameAnswersAreInsecure() async throws {
        let zone = try await SignedZoneServer.start(origin: "signed.test", records: Self.records)
        let srv = try await Self.resolver(zone, anchor: .none).srv("_imaps._tcp.signed.test")
        #expect(srv.validation == .insecure)
        #expect(!srv.authenticated)
    }

    /// Most domains are unsigned under a signed parent: the parent's signed NSEC proves the
    /// delegation has no DS, so the answer is insecure (usable, not trusted), never bogus.
    @Test func anUnsignedDomainUnderASignedParentIsInsecure() async throws {
        let zone = try await SignedZoneServer.start(origin: "signed.test", records: Self.records, unsignedChild: "plain")
        let dns = Self.resolver(zone, anchor: .file(zone.anchor))
        let srv = try await dns.srv("_imaps._tcp.plain.signed.test")
        #expect(srv.validation == .insecure)
        #expect(srv.records.first?.target == "imap.provider.test")
        #expect(try await dns.srv("_imaps._tcp.signed.test").validation == .validated)
        let result = try await resolve("a@plain.signed.test", plugins: [SRVPlugin()], dnsServer: zone.address, trustAnchor: .file(zone.anchor))
        #expect(result.best?.trust == .confirm(.unsignedDNS, .crossDomain))
    }

    @Test func aWrongAnchorIsBogusNeverInsecure() async throws {
        let zone = try await SignedZoneServer.start(origin: "signed.test", records: Self.records)
        let dns = Self.resolver(zone, anchor: .file(zone.wrongAnchor))
        await #expect { try await dns.srv("_imaps._tcp.signed.test") } throws: { error in
            guard case DNSError.bogus(let name, let why) = error else { return false }
            return name == "_imaps._tcp.signed.test" && why.contains("trust anchor")
        }
        // The root anchor: nsd cannot show the root's DNSKEY, so no chain reaches the zone. Bogus.
        await #expect { try await Self.resolver(zone, anchor: .root).mx("signed.test") } throws: { error in
            if case DNSError.bogus = error { true } else { false }
        }
    }

    @Test func aTamperedSignatureIsBogus() async throws {
        let zone = try await SignedZoneServer.start(origin: "signed.test", records: Self.records, tamper: "_imaps._tcp")
        let dns = Self.resolver(zone, anchor: .file(zone.anchor))
        await #expect { try await dns.srv("_imaps._tcp.signed.test") } throws: { error in
            if case DNSError.bogus = error { true } else { false }
        }
        // The zone's other, untouched records still validate.
        #expect(try await dns.srv("_submissions._tcp.signed.test").validation == .validated)
    }

    @Test func validatedSRVIsTrustedEvenAcrossDomains() async throws {
        let zone = try await SignedZoneServer.start(origin: "signed.test", records: Self.records)
        let result = try await resolve("a@signed.test", plugins: [SRVPlugin()], dnsServer: zone.address, trustAnchor: .file(zone.anchor))
        #expect(result.incomingHost == "imap.provider.test")
        #expect(result.best?.trust == .trusted)
        #expect(result.best?.provenance.dnssecAuthenticated == true)
        // Unvalidated, the same records send the password to another registrable domain: ask first.
        let unsigned = try await resolve("a@signed.test", plugins: [SRVPlugin()], dnsServer: zone.address, trustAnchor: .none)
        #expect(unsigned.best?.trust == .confirm(.unsignedDNS, .crossDomain))
    }

    @Test func validatedMXMakesAWorkspaceDomainTrusted() async throws {
        let zone = try await SignedZoneServer.start(origin: "signed.test", records: Self.records)
        let result = try await resolve("a@signed.test", plugins: [GmailPlugin()], dnsServer: zone.address, trustAnchor: .file(zone.anchor))
        #expect(result.incomingHost == "imap.gmail.com")
        #expect(result.best?.trust == .trusted)
        let unsigned = try await resolve("a@signed.test", plugins: [GmailPlugin()], dnsServer: zone.address, trustAnchor: .none)
        #expect(unsigned.best?.trust == .confirm(.unsignedDNS, .heuristic, .crossDomain))
    }

    @Test func aBogusAnswerFailsTheSourceAndIsNotUsed() async throws {
        let zone = try await SignedZoneServer.start(origin: "signed.test", records: Self.records, tamper: "_imaps._tcp")
        // _submissions still validates, _imaps is bogus: someone is tampering with the domain's DNS,
        // so the source fails; the bogus record is never downgraded to an unsigned one.
        let result = try await resolve("a@signed.test", plugins: [SRVPlugin()], dnsServer: zone.address, trustAnchor: .file(zone.anchor))
        #expect(!result.found)
        #expect(result.reports.first?.status == .failed)
        #expect(result.reports.first?.failure?.message.contains("_imaps._tcp.signed.test: DNSSEC bogus") == true)

        let wrong = try await resolve("a@signed.test", plugins: [SRVPlugin()], dnsServer: zone.address, trustAnchor: .file(zone.wrongAnchor))
        #expect(!wrong.found)
        let report = try #require(wrong.reports.first { $0.plugin == "srv" })
        #expect(report.status == .failed)
        #expect(report.failure?.message.contains("DNSSEC bogus") == true)
    }

    /// The hostile Wi-Fi of issue 9: a resolver that sets AD on an unsigned SRV record pointing at
    /// the attacker. autoconf validates itself, so the AD bit earns nothing.
    @Test func aForgedADBitEarnsNoTrust() async throws {
        let forger = try await DNSTestServer.signed([
            "_imaps._tcp.victim.test": ["SRV": [[0, 1, 993, "imap.attacker.test"]]],
            "_submissions._tcp.victim.test": ["SRV": [[0, 1, 465, "smtp.attacker.test"]]],
        ])
        let unchecked = try await resolve("a@victim.test", plugins: [SRVPlugin()], dns: forger, trustAnchor: .none)
        #expect(unchecked.best?.trust == .confirm(.unsignedDNS, .crossDomain))
        #expect(unchecked.best?.provenance.dnssecAuthenticated == false)
        // With the root anchor: the forger hands out no root DNSKEY, so no chain of trust can be
        // shown through it (allow-downgrade): the record is plain DNS — never trusted, and
        // cross-domain, so it ranks below a probe of the domain's own hosts.
        let rooted = try await resolve("a@victim.test", plugins: [SRVPlugin()], dns: forger, trustAnchor: .root)
        #expect(rooted.best?.trust == .confirm(.unsignedDNS, .crossDomain))
        #expect(rooted.best?.provenance.dnssecAuthenticated == false)
    }

    /// A resolv.conf without a nameserver line would make libunbound resolve from the root servers
    /// itself, past the network's resolver: then it forwards to 127.0.0.1, as glibc does.
    @Test func resolvConfWithoutNameserverIsNoticed() throws {
        let directory = TestPaths.temporaryDirectory("resolvconf")
        func file(_ text: String) throws -> String {
            let url = directory.appendingPathComponent(UUID().uuidString)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
        #expect(UnboundEventLoop.namesAServer(try file("search example.org\nnameserver 127.0.0.53\n")))
        #expect(UnboundEventLoop.namesAServer(try file("nameserver\t::1")))
        #expect(!UnboundEventLoop.namesAServer(try file("# nameserver 1.1.1.1\noptions edns0\n")))
        #expect(!UnboundEventLoop.namesAServer("/nonexistent/resolv.conf"))
    }

    @Test func trustAnchorFilesAreChecked() throws {
        #expect(DNSTrustAnchor.none.problem == nil)
        #expect(DNSTrustAnchor.root.problem == nil)  // dns-root-data is installed
        #expect(DNSTrustAnchor.file("/nonexistent/anchor").problem?.contains("cannot be read") == true)
        let empty = TestPaths.temporaryDirectory("anchor").appendingPathComponent("empty.ds")
        try "; nothing\n".write(to: empty, atomically: true, encoding: .utf8)
        #expect(DNSTrustAnchor.file(empty.path).problem?.contains("no DS or DNSKEY") == true)
    }

    /// An answer trusted thanks to one anchor must not come back from the cache under another.
    @Test func theTrustAnchorIsPartOfTheCacheKey() throws {
        let anchor = TestPaths.temporaryDirectory("anchor").appendingPathComponent("zone.ds")
        try "signed.test. IN DS 1 13 2 00\n".write(to: anchor, atomically: true, encoding: .utf8)
        var options = AutoconfOptions(readsUserDirectory: false)
        var prints: Set<String> = []
        for trustAnchor in [DNSTrustAnchor.root, .none, .file(anchor.path)] {
            options.trustAnchor = trustAnchor
            prints.insert(options.cacheFingerprint)
        }
        #expect(prints.count == 3)
    }
}
