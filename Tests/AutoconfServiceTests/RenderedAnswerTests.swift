import AutoconfKit
@testable import AutoconfService
import AutoconfTestSupport
import Foundation
import Testing

/// A cached hit for an ordinary address is answered from the entry's rendering
/// (`ServiceCache.cachedBody`): its body must be byte for byte what decoding the entry and
/// encoding the result makes (`cachedResult`, the path every other address takes), and whatever
/// the rendering cannot reproduce must take that path.
@Suite struct RenderedAnswerTests {
    /// A shared answer as a lookup for `local@domain` returns it: usernames expanded, a display
    /// name with quotes, a backslash, a line separator and markup, a webmail URL.
    static func sharedResult(_ local: String = "first", domain: String = "example.test", usernameSuffix: String = "") throws -> LookupResult {
        let email = try EmailAddress("\(local)@\(domain)")
        let configuration = EmailConfiguration(
            providerID: domain, domains: [domain], displayName: "Mäil \"for\" \(domain) / \\ ✉\u{2028}", displayShortName: "M</script>",
            incoming: [
                Server(type: .imap, hostname: "imap.\(domain)", port: 993, socketType: .ssl, username: email.address + usernameSuffix, extras: ["z": "1"]),
                Server(type: .pop3, hostname: "pop.\(domain)", port: 995, socketType: .ssl, username: local),
            ],
            outgoing: [Server(type: .smtp, hostname: "smtp.\(domain)", port: 465, socketType: .ssl, username: email.address)],
            webmailURL: "https://webmail.\(domain)/")
        let candidate = Candidate(
            configuration: configuration, trust: .trusted,
            provenance: Provenance(plugin: "ispdb", source: "https://ispdb.test/v1.1/\(domain)", channel: .https, tlsVerified: true))
        return LookupResult(email: email, candidates: [candidate], reports: [], elapsedMilliseconds: 12, deadlineReached: false)
    }

    static func cache(ttl: Duration = .seconds(3600)) -> ServiceCache {
        ServiceCache(memoryBytes: 1 << 20, ttl: ttl, shared: nil, metrics: ServiceMetrics())
    }

    /// Local parts the rendering answers: printable ASCII up to the stand-in's length.
    static let fitting = ["bob", "Alice.O'Neil", "j+tag", "x/y", "{a}", "a`b", "a&b=c", "MAIL", "acsplice", String(repeating: "x", count: 40)]
    /// Local parts that take the decoding path: non-ASCII, combining marks, a `%` (placeholder
    /// syntax), longer than the stand-in.
    static let decoded = ["ünïcödé", "e\u{301}", "\u{301}x", "100%", "%EMAILLOCALPART%", "ℙ𝔸𝕊𝕊", String(repeating: "y", count: 41), String(repeating: "z", count: 64)]

    @Test func aRenderedHitIsTheDecodedAnswerByteForByte() async throws {
        let cache = Self.cache()
        await cache.keep(try Self.sharedResult(), fingerprint: "fp")
        for local in Self.fitting {
            let email = try EmailAddress("\(local)@example.test")
            let decoded = try #require(await cache.cachedResult(for: email, fingerprint: "fp", realName: nil), "\(local)")
            let rendered = try #require(cache.cachedBody(for: email, fingerprint: "fp"), "\(local) is answered from the rendering")
            #expect(Array(rendered.body.utf8) == Array(LookupJSON.encode(decoded, pretty: false).utf8), "\(local)")
            #expect(rendered.winner == "ispdb")
        }
    }

    @Test func localPartsTheRenderingCannotReproduceAreDecoded() async throws {
        let cache = Self.cache()
        await cache.keep(try Self.sharedResult(), fingerprint: "fp")
        for local in Self.decoded {
            let email = try EmailAddress("\(local)@example.test")
            #expect(cache.cachedBody(for: email, fingerprint: "fp") == nil, "\(local)")
            #expect(await cache.cachedResult(for: email, fingerprint: "fp", realName: nil) != nil, "\(local) is still a hit")
        }
    }

    /// A username close to the 320-byte limit: a longer local part would push it over, and the
    /// decoding path drops that server; the rendering only answers local parts as long as the
    /// stand-in or shorter, for which the limit holds as it held for the stand-in.
    @Test func usernamesNearTheLengthLimitStayExact() async throws {
        let cache = Self.cache()
        let suffix = String(repeating: "s", count: 320 - 40 - "@example.test".utf8.count)
        await cache.keep(try Self.sharedResult(usernameSuffix: suffix), fingerprint: "fp")
        for local in ["bob", String(repeating: "x", count: 40), String(repeating: "x", count: 41)] {
            let email = try EmailAddress("\(local)@example.test")
            let decoded = try #require(await cache.cachedResult(for: email, fingerprint: "fp", realName: nil))
            if let rendered = cache.cachedBody(for: email, fingerprint: "fp") {
                #expect(rendered.body == LookupJSON.encode(decoded, pretty: false), "\(local)")
            } else {
                #expect(local.utf8.count > 40, "\(local) should be rendered")
            }
        }
    }

    /// A tampered entry (a shared table row) whose hostname holds a placeholder: decoding puts the
    /// user's local part into the hostname, which the splice could not reproduce (the registrable
    /// domain is computed from it), so the entry is never rendered and every user is decoded.
    @Test func aTamperedEntryWithAPlaceholderInAHostnameIsNeverRendered() throws {
        let data = try #require(LookupCache.encodedEntry(try Self.sharedResult(), fingerprint: "fp"))
        let tampered = Data(String(decoding: data, as: UTF8.self).replacingOccurrences(of: "imap.example.test", with: "%EMAILLOCALPART%.example.test").utf8)
        #expect(tampered != data)
        let cache = Self.cache()
        #expect(RenderedAnswer(tampered, domain: "example.test", fingerprint: "fp", codec: cache.codec, token: cache.token) == nil)
        #expect(RenderedAnswer(data, domain: "example.test", fingerprint: "fp", codec: cache.codec, token: cache.token) != nil)
    }

    @Test func otherOptionsDomainsAndExpiredEntriesAreNoRenderedHit() async throws {
        let cache = Self.cache(ttl: .milliseconds(300))
        await cache.keep(try Self.sharedResult(), fingerprint: "fp")
        let bob = try EmailAddress("bob@example.test")
        #expect(cache.cachedBody(for: bob, fingerprint: "fp") != nil)
        #expect(cache.cachedBody(for: bob, fingerprint: "other") == nil)
        #expect(cache.cachedBody(for: try EmailAddress("bob@other.test"), fingerprint: "fp") == nil)
        try await Task.sleep(for: .milliseconds(400))
        #expect(cache.cachedBody(for: bob, fingerprint: "fp") == nil)
        #expect(await cache.cachedResult(for: bob, fingerprint: "fp", realName: nil) == nil)
    }

    /// The rendering counts against the cache's bytes: entries with their renderings stay within
    /// the capacity.
    @Test func renderingsCountAgainstTheMemoryBound() async throws {
        let cache = ServiceCache(memoryBytes: 20_000, ttl: .seconds(3600), shared: nil, metrics: ServiceMetrics())
        for index in 0..<40 { await cache.keep(try Self.sharedResult(domain: "d\(index).test"), fingerprint: "fp") }
        let memory = try #require(cache.memory)
        #expect(memory.bytes <= 20_000)
        #expect(memory.count < 40)
        #expect(cache.cachedBody(for: try EmailAddress("bob@d39.test"), fingerprint: "fp") != nil)
        #expect(cache.cachedBody(for: try EmailAddress("bob@d0.test"), fingerprint: "fp") == nil)
    }

    @Test func theFingerprintMemoAgreesWithTheOptionsAndStaysBounded() {
        let memo = FingerprintMemo()
        var options = AutoconfOptions(readsUserDirectory: false)
        options.plugins = ["ispdb"]
        #expect(memo.fingerprint(of: options) == options.cacheFingerprint)
        options.preferredIncoming = .pop3
        #expect(memo.fingerprint(of: options) == options.cacheFingerprint)
        for index in 0..<(FingerprintMemo.capacity * 3) {
            options.plugins = ["p\(index)"]
            #expect(memo.fingerprint(of: options) == options.cacheFingerprint)
        }
        #expect(memo.count <= FingerprintMemo.capacity)
    }

    /// Through the service: the second user of a domain gets the rendering, with their own
    /// username, the same document the first got apart from the address, and the hit is counted.
    @Test func theServiceAnswersOtherUsersFromTheRendering() async throws {
        let http = try await HTTPTestServer.start(routes: [.answer("ispdb.test", "/v1.1/example.test", body: ispdbConfig())])
        let service = try await RunningService(serviceConfiguration(http.options(plugins: ["ispdb"])))
        defer { Task { await service.stop() } }
        let first = try await curl("\(service.base)/v1/lookup?email=alice%40example.test")
        let second = try await curl("\(service.base)/v1/lookup?email=bob%40example.test")
        let again = try await curl("\(service.base)/v1/lookup?email=bob%40example.test&plugins=ispdb&timeout=5")
        #expect(first.status == 200 && second.status == 200 && again.status == 200)
        #expect(second.body.contains(#""username":"bob@example.test""#))
        #expect(!second.body.contains("alice"))
        // Bad fields are still refused on the rendered path.
        let badTimeout = try await curl("\(service.base)/v1/lookup?email=bob%40example.test&timeout=0")
        #expect(badTimeout.status == 400)
        let metrics = try await curl("\(service.base)/metrics")
        // alice looked up, bob twice from the rendering (the timeout is not part of the cache key).
        #expect(metrics.body.contains(#"autoconf_cache_hits_total{tier="memory"} 2"#), "\(metrics.body)")
        #expect(metrics.body.contains(#"autoconf_lookup_winner_total{plugin="ispdb"} 3"#), "\(metrics.body)")
        #expect(http.requests().filter { $0.host == "ispdb.test" }.count == 1)
    }
}
