import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

@Suite struct LookupCacheTests {
    /// A network-like source (HTTPS channel, confirm trust) that counts its lookups.
    struct CountingPlugin: ProviderPlugin {
        let name = "counting"
        var summary: String { "counts lookups" }
        let log: EventLog
        let trust: Trust
        var perUser = false
        /// Asked with the address by some other means than the URL (a request body, a header):
        /// only the provenance flag says so.
        var askedWithAddress = false
        func lookup(_ query: LookupQuery, context: PluginContext) async throws -> PluginOutcome {
            log.append(query.email.address)
            var configuration = testConfiguration("mail.cached.test", domain: "cached.test")
            configuration.incoming[0].username = "%EMAILADDRESS%"
            return .found([Candidate(configuration: configuration, trust: trust, provenance: context.provenance(source: perUser ? "https://autoconfig.cached.test/mail/config-v1.1.xml?emailaddress=%EMAILADDRESS%" : "https://ispdb.test/v1.1/cached.test", channel: .https, askedWithAddress: askedWithAddress))])
        }
    }

    func autoconf(_ directory: URL, log: EventLog, trust: Trust = .confirm(.plainHTTP), policy: CachePolicy = .use, ttl: Duration = .seconds(3600), perUser: Bool = false) -> Autoconf {
        let options = AutoconfOptions(plugins: ["counting"], readsUserDirectory: false, cache: policy, cacheDirectory: directory.path, cacheTTL: ttl)
        return Autoconf(options: options, additionalPlugins: [CountingPlugin(log: log, trust: trust, perUser: perUser)])
    }

    /// A source asked with the address may answer per user: never cached, never shared.
    @Test func answersFromASourceAskedWithTheAddressAreNotCached() async throws {
        let directory = TestPaths.temporaryDirectory("cache")
        let log = EventLog()
        _ = try await autoconf(directory, log: log, perUser: true).lookup("ann@cached.test")
        let second = try await autoconf(directory, log: log, perUser: true).lookup("ben@cached.test")
        #expect(log.entries == ["ann@cached.test", "ben@cached.test"])
        #expect(second.best?.provenance.channel == .https)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("cached.test.json").path))
    }

    /// The engine knows no plugin by name: a source that says it was asked with the address (here
    /// in its request body, invisible in the URL) is per user, whatever it is called.
    @Test func theAskedWithTheAddressFlagMakesAnAnswerPerUser() async throws {
        let directory = TestPaths.temporaryDirectory("cache")
        let log = EventLog()
        let options = AutoconfOptions(plugins: ["counting"], readsUserDirectory: false, cache: .use, cacheDirectory: directory.path)
        for address in ["ann@cached.test", "ben@cached.test"] {
            _ = try await Autoconf(options: options, additionalPlugins: [CountingPlugin(log: log, trust: .confirm(.plainHTTP), askedWithAddress: true)]).lookup(address)
        }
        #expect(log.entries == ["ann@cached.test", "ben@cached.test"])
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("cached.test.json").path))
    }

    @Test func secondLookupComesFromTheCacheForAnotherUserTooWithTrustUnchanged() async throws {
        let directory = TestPaths.temporaryDirectory("cache")
        let log = EventLog()
        let first = try await autoconf(directory, log: log).lookup("ann@cached.test")
        #expect(first.best?.provenance.channel == .https)
        let second = try await autoconf(directory, log: log).lookup("ben@cached.test")
        #expect(log.entries == ["ann@cached.test"])
        let best = try #require(second.best)
        #expect(best.provenance.channel == .cache)
        #expect(best.provenance.plugin == "counting")
        #expect(best.provenance.source == "https://ispdb.test/v1.1/cached.test")
        #expect(best.configuration.incoming.first?.username == "ben@cached.test")
        #expect(best.trust == .confirm(.plainHTTP))
        // The file holds no user's address.
        let stored = try String(contentsOf: directory.appendingPathComponent("cached.test.json"), encoding: .utf8)
        #expect(!stored.contains("ann@cached.test"))
    }

    @Test func expiryRefreshAndOff() async throws {
        let directory = TestPaths.temporaryDirectory("cache")
        let log = EventLog()
        _ = try await autoconf(directory, log: log, ttl: .milliseconds(200)).lookup("ann@cached.test")
        try await Task.sleep(for: .milliseconds(400))
        _ = try await autoconf(directory, log: log, ttl: .milliseconds(200)).lookup("ann@cached.test")
        #expect(log.entries.count == 2)
        _ = try await autoconf(directory, log: log, policy: .refresh).lookup("ann@cached.test")
        #expect(log.entries.count == 3)
        let off = TestPaths.temporaryDirectory("cache-off")
        _ = try await autoconf(off, log: log, policy: .off).lookup("ann@cached.test")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: off.path))?.isEmpty ?? true)
    }

    @Test(arguments: ["", "{", "null", "{\"formatVersion\": 1}", String(repeating: "x", count: 10_000), "\u{0}\u{1}binary"])
    func corruptFilesAreIgnoredAndRebuilt(contents: String) async throws {
        let directory = TestPaths.temporaryDirectory("cache")
        try contents.write(to: directory.appendingPathComponent("cached.test.json"), atomically: true, encoding: .utf8)
        let log = EventLog()
        let result = try await autoconf(directory, log: log).lookup("ann@cached.test")
        #expect(result.found)
        #expect(log.entries.count == 1)
        let again = try await autoconf(directory, log: log).lookup("ann@cached.test")
        #expect(again.best?.provenance.channel == .cache)
        #expect(log.entries.count == 1)
    }

    @Test func aTamperedEntryLosesInvalidServersAndTrustIsNeverRaised() async throws {
        let directory = TestPaths.temporaryDirectory("cache")
        let log = EventLog()
        _ = try await autoconf(directory, log: log).lookup("ann@cached.test")
        let file = directory.appendingPathComponent("cached.test.json")
        let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "mail.cached.test", with: "a;touch /tmp/x")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let result = try await autoconf(directory, log: log).lookup("ann@cached.test")
        // The entry is unusable now, so the source is asked again; nothing hostile comes out.
        #expect(result.best?.configuration.incoming.first?.hostname == "mail.cached.test")
        #expect(result.best?.trust.level == .confirm)
    }

    @Test func concurrentWritersLeaveOneWholeFile() async throws {
        let directory = TestPaths.temporaryDirectory("cache")
        let log = EventLog()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<16 {
                group.addTask { _ = try? await autoconf(directory, log: log, policy: .refresh).lookup("user\(index)@cached.test") }
            }
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(files == ["cached.test.json"])
        let cached = LookupCache(directory: directory)
        #expect(cached.load(for: try EmailAddress("z@cached.test"), fingerprint: autoconf(directory, log: log).options.cacheFingerprint) != nil)
    }

    @Test func providerFileAnswersAreNotCached() async throws {
        let directory = TestPaths.temporaryDirectory("cache")
        let options = AutoconfOptions(plugins: ["bundled"], readsUserDirectory: false, cache: .use, cacheDirectory: directory.path)
        _ = try await Autoconf(options: options).lookup("someone@gmail.com")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.isEmpty ?? true)
    }

    @Test func defaultDirectoryHonoursXDG() {
        #expect(LookupCache.defaultDirectory(environment: ["XDG_CACHE_HOME": "/x/cache", "HOME": "/home/u"])?.path == "/x/cache/autoconf")
        #expect(LookupCache.defaultDirectory(environment: ["HOME": "/home/u"])?.path == "/home/u/.cache/autoconf")
        #expect(AutoconfOptions().cache == .off)
    }
}
