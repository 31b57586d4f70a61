import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// Equal-authority races and the patience, through the real resolver, libcurl client and HTTPS
/// test server.
@Suite struct EqualAuthorityTests {
    /// autoconfig.D accepts the request and never answers; D/.well-known answers at once. Both are
    /// the domain's own HTTPS: the well-known answer must not wait for the hanging one (before,
    /// the lookup took the whole 5 s HTTP timeout).
    @Test func aHangingAutoconfigHostDoesNotHoldTheWellKnownAnswer() async throws {
        let server = try await HTTPTestServer.start(routes: [
            .hang("autoconfig.example.test", autoconfigPath, seconds: 30),
            .answer("example.test", wellKnownPath, body: TestDocuments.config(imap: "box.example.test")),
        ])
        let start = ContinuousClock.now
        let result = try await lookup(server, plugins: ["autoconfig"], timeout: .seconds(10))
        #expect(result.bestHost == "box.example.test")
        #expect(ContinuousClock.now - start < .seconds(3))
    }

    /// autoconfig (the domain's own HTTPS) is slower than the ISPDB: a patience shorter than the
    /// delay returns the ISPDB's answer with a note; a longer one waits for autoconfig.
    @Test func theISPDBAnswerWaitsForAutoconfigOnlyAsLongAsThePatience() async throws {
        let server = try await HTTPTestServer.start(routes: [
            .answer("autoconfig.example.test", autoconfigPath, body: TestDocuments.config(imap: "own.example.test"), delayMs: 1500),
            .answer("ispdb.test", "/v1.1/example.test", body: TestDocuments.config(imap: "ispdb.example.test")),
        ])
        for (patience, expected) in [(Duration.milliseconds(300), "ispdb.example.test"), (.seconds(8), "own.example.test")] {
            var options = server.options(plugins: ["autoconfig", "ispdb"], timeout: .seconds(10))
            options.patience = patience
            options.ispdbBaseURL = "https://ispdb.test/v1.1/"
            let autoconf = Autoconf(options: options)
            let services = BuiltInPlugins.services(options: options).with(DNSResolverKey.self, FakeDNS())
            let start = ContinuousClock.now
            let result = await (try autoconf.resolver()).lookup(LookupQuery(email: try EmailAddress("alice@example.test")), services: services)
            #expect(result.bestHost == expected)
            if expected == "ispdb.example.test" {
                #expect(ContinuousClock.now - start < .milliseconds(1400))
                #expect(result.patienceNote?.contains("autoconfig") == true)
                #expect(result.report("autoconfig")?.status == .timedOut)
            } else {
                #expect(result.patienceNote == nil)
            }
        }
    }
}
