import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// Provider autoconfig and the ISPDB through the real resolver and libcurl client.
@Suite struct AutoconfigAndISPDBTests {
    @Test func autoconfigHTTPSWithEncodedAddress() async throws {
        let server = try await HTTPTestServer.start(routes: [.answer("autoconfig.example.test", autoconfigPath, body: TestDocuments.config(imap: "imap.example.test"))])
        let result = try await lookup(server, "alice+tag@example.test", plugins: ["autoconfig"])
        let best = try #require(result.best)
        #expect(best.configuration.incoming.first?.hostname == "imap.example.test")
        #expect(best.configuration.incoming.first?.username == "alice+tag@example.test")
        #expect(best.trust == .trusted)
        #expect(best.provenance.channel == .https)
        #expect(best.provenance.tlsVerified == true)
        #expect(best.provenance.source == "https://autoconfig.example.test/mail/config-v1.1.xml?emailaddress=alice%2Btag%40example.test")
        let first = try #require(server.requests().first { $0.host == "autoconfig.example.test" && $0.scheme == "https" })
        #expect(first.query == "emailaddress=alice%2Btag%40example.test")
    }

    @Test func wellKnownAlone() async throws {
        let server = try await HTTPTestServer.start(routes: [.answer("example.test", wellKnownPath, body: TestDocuments.config(imap: "mail.example.test"))])
        let result = try await lookup(server, plugins: ["autoconfig"])
        #expect(result.bestHost == "mail.example.test")
        #expect(result.best?.provenance.source == "https://example.test/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=alice%40example.test")
        #expect(result.best?.trust == .trusted)
        // automx2 answers 400 without the address: the draft and Thunderbird send it here too.
        let asked = try #require(server.requests().first { $0.host == "example.test" && $0.path == wellKnownPath })
        #expect(asked.query == "emailaddress=alice%40example.test")
    }

    @Test func plainHTTPIsConfirmAndNeverCarriesTheAddress() async throws {
        let server = try await HTTPTestServer.start(routes: [.answer("autoconfig.example.test", autoconfigPath, scheme: "http", body: TestDocuments.config(imap: "imap.example.test"))])
        let result = try await lookup(server, plugins: ["autoconfig"])
        let best = try #require(result.best)
        #expect(best.trust.level == .confirm)
        #expect(best.trust.reasons.contains(.plainHTTP))
        #expect(best.provenance.channel == .http)
        #expect(server.requests().filter { $0.scheme == "http" }.allSatisfy { $0.query.isEmpty })
    }

    @Test func httpsOnlyNeverAsksPlainHTTP() async throws {
        let server = try await HTTPTestServer.start(routes: [.answer("autoconfig.example.test", autoconfigPath, scheme: "http", body: TestDocuments.config(imap: "imap.example.test"))])
        let result = try await lookup(server, plugins: ["autoconfig", "autodiscover"], httpsOnly: true)
        #expect(!result.found)
        #expect(server.requests().allSatisfy { $0.scheme == "https" })
    }

    @Test func httpsBeatsFasterHTTP() async throws {
        let server = try await HTTPTestServer.start(routes: [
            .answer("autoconfig.example.test", autoconfigPath, body: TestDocuments.config(imap: "secure.example.test"), delayMs: 400),
            .answer("autoconfig.example.test", autoconfigPath, scheme: "http", body: TestDocuments.config(imap: "plain.example.test")),
        ])
        let result = try await lookup(server, plugins: ["autoconfig"])
        #expect(result.bestHost == "secure.example.test")
        #expect(result.candidates.count == 2)
    }

    @Test func ispdbAlone() async throws {
        let server = try await HTTPTestServer.start(routes: [.answer("ispdb.test", "/v1.1/example.test", body: TestDocuments.config(imap: "imap.example.test"))])
        let result = try await lookup(server, plugins: ["ispdb"])
        #expect(result.bestHost == "imap.example.test")
        #expect(result.best?.trust == .trusted)
        #expect(result.best?.provenance.plugin == "ispdb")
        #expect(result.best?.provenance.source == "https://ispdb.test/v1.1/example.test")
    }

    @Test func rankedSourceWinsEvenWhenSlower() async throws {
        let server = try await HTTPTestServer.start(routes: [
            .answer("autoconfig.example.test", autoconfigPath, body: TestDocuments.config(imap: "own.example.test"), delayMs: 500),
            .answer("ispdb.test", "/v1.1/example.test", body: TestDocuments.config(imap: "db.example.test")),
        ])
        let result = try await lookup(server)
        #expect(result.bestHost == "own.example.test")
        #expect(result.best?.provenance.plugin == "autoconfig")
        #expect(result.candidates.contains { $0.provenance.plugin == "ispdb" })
    }

    @Test func sameDomainRedirectIsFollowedAndRecorded() async throws {
        let server = try await HTTPTestServer.start(routes: [
            .redirect("autoconfig.example.test", autoconfigPath, to: "https://config.example.test/autoconfig.xml", status: 301),
            .answer("config.example.test", "/autoconfig.xml", body: TestDocuments.config(imap: "imap.example.test")),
        ])
        let result = try await lookup(server, plugins: ["autoconfig"])
        let best = try #require(result.best)
        #expect(best.trust == .trusted)
        #expect(best.provenance.source == "https://config.example.test/autoconfig.xml")
        #expect(best.provenance.redirects.first?.hasPrefix("https://autoconfig.example.test/") == true)
    }

    @Test func crossDomainRedirectIsConfirmAndLosesToASameDomainAnswer() async throws {
        let server = try await HTTPTestServer.start(routes: [
            .redirect("autoconfig.example.test", autoconfigPath, to: "https://config.hoster.test/example.xml"),
            .answer("config.hoster.test", "/example.xml", body: TestDocuments.config(imap: "imap.hoster.test")),
            .answer("ispdb.test", "/v1.1/example.test", body: TestDocuments.config(imap: "imap.example.test"), delayMs: 200),
        ])
        let alone = try await lookup(server, plugins: ["autoconfig"])
        let crossed = try #require(alone.best)
        #expect(crossed.trust.level == .confirm)
        #expect(crossed.trust.reasons.contains(.crossDomain))
        #expect(crossed.provenance.registrableDomains.contains("hoster.test"))

        let both = try await lookup(server, plugins: ["autoconfig", "ispdb"])
        #expect(both.bestHost == "imap.example.test")
        #expect(both.best?.provenance.plugin == "ispdb")
    }

    @Test func downgradeRedirectIsRefusedAndTheNextSourceUsed() async throws {
        let server = try await HTTPTestServer.start(routes: [
            .redirect("autoconfig.example.test", autoconfigPath, to: "http://autoconfig.example.test/plain.xml"),
            .answer("autoconfig.example.test", "/plain.xml", scheme: "http", body: TestDocuments.config(imap: "evil.example.test")),
            .answer("example.test", wellKnownPath, body: TestDocuments.config(imap: "good.example.test"), delayMs: 100),
        ])
        let result = try await lookup(server, plugins: ["autoconfig"], httpsOnly: true)
        #expect(result.bestHost == "good.example.test")
        #expect(!server.requests().contains { $0.path == "/plain.xml" })
    }

    @Test func redirectLoopsAndLongChainsFail() async throws {
        var routes: [HTTPTestServer.Route] = [
            .redirect("autoconfig.example.test", autoconfigPath, to: "https://a.example.test/loop"),
            .redirect("a.example.test", "/loop", to: "https://b.example.test/loop"),
            .redirect("b.example.test", "/loop", to: "https://a.example.test/loop"),
        ]
        for hop in 0..<8 { routes.append(.redirect("example.test", hop == 0 ? wellKnownPath : "/hop\(hop)", to: "https://example.test/hop\(hop + 1)")) }
        let server = try await HTTPTestServer.start(routes: routes)
        let result = try await lookup(server, plugins: ["autoconfig"], httpsOnly: true)
        #expect(!result.found)
        let failure = try #require(result.report("autoconfig")?.failure)
        #expect(failure.message.contains("redirect loop"))
        #expect(failure.message.contains("more than 5 redirects"))
        #expect(server.requests().filter { $0.host == "example.test" }.count == 6)
    }

    @Test func notFoundAndServerErrors() async throws {
        let missing = try await HTTPTestServer.start(routes: [])
        let nothing = try await lookup(missing, plugins: ["autoconfig", "ispdb"], httpsOnly: true)
        #expect(!nothing.found)
        #expect(nothing.report("autoconfig")?.status == .notFound)
        #expect(nothing.report("ispdb")?.status == .notFound)

        let broken = try await HTTPTestServer.start(routes: [.status("ispdb.test", "/v1.1/example.test", 500)])
        let failed = try await lookup(broken, plugins: ["ispdb"])
        #expect(failed.report("ispdb")?.status == .failed)
        #expect(failed.report("ispdb")?.failure?.message.contains("HTTP 500") == true)
    }

    @Test func slowDripCannotOutliveTheDeadline() async throws {
        var drip = HTTPTestServer.Route.answer("autoconfig.example.test", autoconfigPath, body: TestDocuments.config(imap: "imap.example.test"))
        drip.dripMs = 100
        let server = try await HTTPTestServer.start(routes: [drip])
        let start = ContinuousClock.now
        let result = try await lookup(server, plugins: ["autoconfig"], timeout: .milliseconds(1200))
        // The drip would take 40 s; the 1.2 s deadline must end it (slack for two busy cores).
        #expect(ContinuousClock.now - start < .milliseconds(3000))
        #expect(!result.found)
        #expect([.timedOut, .failed].contains(result.report("autoconfig")?.status))
    }

    @Test func hugeBodyIsCappedAndTheNextSourceUsed() async throws {
        var huge = HTTPTestServer.Route(host: "autoconfig.example.test", path: autoconfigPath)
        huge.huge = 8 << 20
        let server = try await HTTPTestServer.start(routes: [huge, .answer("example.test", wellKnownPath, body: TestDocuments.config(imap: "good.example.test"))])
        let result = try await lookup(server, plugins: ["autoconfig"], httpsOnly: true)
        #expect(result.bestHost == "good.example.test")
        #expect(result.candidates.count == 1)
    }

    @Test func malformedXMLAndHTMLAreRejected() async throws {
        let server = try await HTTPTestServer.start(routes: [
            .answer("autoconfig.example.test", autoconfigPath, body: "<clientConfig><emailProvider>"),
            .answer("example.test", wellKnownPath, body: "<html><body>Welcome to nginx!</body></html>", contentType: "text/html"),
        ])
        let result = try await lookup(server, plugins: ["autoconfig"], httpsOnly: true)
        #expect(!result.found)
        let failure = try #require(result.report("autoconfig")?.failure)
        #expect(failure.kind == .invalidData)
        #expect(failure.message.contains("served as text/html"))
    }

    @Test func oddContentTypeIsAcceptedWhenTheBodyIsAConfig() async throws {
        let server = try await HTTPTestServer.start(routes: [
            .answer("autoconfig.example.test", autoconfigPath, body: TestDocuments.config(imap: "imap.example.test"), contentType: "application/octet-stream"),
        ])
        #expect(try await lookup(server, plugins: ["autoconfig"]).bestHost == "imap.example.test")
    }

    @Test func untrustedCertificateIsRejectedAndTheNextSourceUsed() async throws {
        let server = try await HTTPTestServer.start(routes: [
            .answer("autoconfig.example.test", autoconfigPath, body: TestDocuments.config(imap: "evil.example.test")),
            .answer("example.test", wellKnownPath, body: TestDocuments.config(imap: "good.example.test"), delayMs: 100),
        ], rogue: ["autoconfig.example.test"])
        let result = try await lookup(server, plugins: ["autoconfig"], httpsOnly: true)
        #expect(result.bestHost == "good.example.test")
        #expect(result.candidates.count == 1)
    }

    @Test func publicSuffixDomainsAreNeverAsked() async throws {
        // Refused as an address (a public suffix is no mail domain), before any plugin runs.
        let server = try await HTTPTestServer.start(routes: [])
        await #expect(throws: (any Error).self) { try await lookup(server, "alice@co.uk", plugins: ["autoconfig", "autodiscover"]) }
        #expect(server.requests().isEmpty)
    }
}
