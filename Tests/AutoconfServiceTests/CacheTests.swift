import AutoconfKit
@testable import AutoconfService
import AutoconfTestSupport
import Foundation
import Testing

@Suite struct CacheTests {
    @Test func aDomainLevelAnswerIsServedFromMemoryWithTheOtherUsersName() async throws {
        let http = try await HTTPTestServer.start(routes: [.answer("ispdb.test", "/v1.1/example.test", body: ispdbConfig())])
        let service = try await RunningService(serviceConfiguration(http.options(plugins: ["ispdb"])))
        defer { Task { await service.stop() } }
        let first = try await curl("\(service.base)/v1/lookup?email=alice%40example.test")
        let second = try await curl("\(service.base)/v1/lookup?email=bob%40example.test")
        #expect(first.status == 200 && second.status == 200)
        #expect(http.requests().filter { $0.host == "ispdb.test" }.count == 1)
        #expect((second.json?["incoming"] as? [String: Any])?["username"] as? String == "bob@example.test")
        #expect((second.json?["trust"] as? [String: Any]) != nil)
        #expect(canonicalJSON(second.json?["trust"]) == canonicalJSON(first.json?["trust"]))
        #expect((second.json?["provenance"] as? [String: Any])?["channel"] as? String == "cache")
        // refresh=1 asks again.
        let refreshed = try await curl("\(service.base)/v1/lookup?email=bob%40example.test&refresh=1")
        #expect(refreshed.status == 200)
        #expect(http.requests().filter { $0.host == "ispdb.test" }.count == 2)
        let metrics = try await curl("\(service.base)/metrics")
        #expect(metrics.body.contains(#"autoconf_cache_hits_total{tier="memory"} 1"#), "\(metrics.body)")
    }

    @Test func perUserAnswersAreNeverCached() async throws {
        let http = try await HTTPTestServer.start(routes: [.answer("autoconfig.example.test", "/mail/config-v1.1.xml", body: ispdbConfig())])
        let service = try await RunningService(serviceConfiguration(http.options(plugins: ["autoconfig"])))
        defer { Task { await service.stop() } }
        let first = try await curl("\(service.base)/v1/lookup?email=alice%40example.test")
        #expect(first.json?["found"] as? Bool == true)
        let once = http.requests().filter { $0.host == "autoconfig.example.test" }.count
        #expect(once > 0)
        _ = try await curl("\(service.base)/v1/lookup?email=alice%40example.test")
        // Asked again (not cached). Not necessarily as often: autoconfig.D and D/.well-known are
        // equal authority, and the first answer may cancel the other before it is logged.
        #expect(http.requests().filter { $0.host == "autoconfig.example.test" }.count > once)
    }

    @Test func otherOptionsAreACacheMiss() async throws {
        let http = try await HTTPTestServer.start(routes: [.answer("ispdb.test", "/v1.1/example.test", body: ispdbConfig())])
        let service = try await RunningService(serviceConfiguration(http.options(plugins: nil)))
        defer { Task { await service.stop() } }
        _ = try await curl("\(service.base)/v1/lookup?email=alice%40example.test&plugins=ispdb")
        _ = try await curl("\(service.base)/v1/lookup?email=alice%40example.test&plugins=ispdb&prefer=pop3")
        #expect(http.requests().filter { $0.host == "ispdb.test" }.count == 2)
    }

    @Test func theMemoryCacheStaysWithinItsBytes() {
        let lru = MemoryLRU(capacity: 10_000)
        for index in 0..<100 { lru.put("key\(index)", Data(repeating: 1, count: 900)) }
        #expect(lru.bytes <= 10_000)
        #expect(lru.count < 11)
        #expect(lru.get("key99") != nil)
        #expect(lru.get("key0") == nil)
        // Recently used entries survive.
        _ = lru.get("key91")
        for index in 100..<108 { lru.put("key\(index)", Data(repeating: 2, count: 900)) }
        #expect(lru.get("key91") != nil)
        lru.put("huge", Data(repeating: 0, count: 20_000))
        #expect(lru.get("huge") == nil)
    }

    @Test func theRateLimiterRefillsAndForgetsIdleClients() {
        let limiter = RateLimiter(rate: 10, burst: 2, maxClients: 3)
        let start = ContinuousClock.now
        #expect(limiter.admit("a", now: start).allowed)
        #expect(limiter.admit("a", now: start).allowed)
        #expect(!limiter.admit("a", now: start).allowed)
        #expect(limiter.admit("a", now: start.advanced(by: .milliseconds(150))).allowed)
        for client in ["b", "c", "d", "e"] { #expect(limiter.admit(client, now: start).allowed) }
    }
}

/// A parsed JSON value as sorted-key text: two dictionaries with equal contents compare equal
/// whatever order their keys were read in.
private func canonicalJSON(_ value: Any?) -> String? {
    guard let value, let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]) else { return nil }
    return String(decoding: data, as: UTF8.self)
}
