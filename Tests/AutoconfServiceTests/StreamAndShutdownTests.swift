import AutoconfKit
@testable import AutoconfService
import AutoconfTestSupport
import Foundation
import Testing

@Suite struct StreamAndShutdownTests {
    /// autoconfig (rank above ISPDB) answers slowly, ISPDB at once: the stream carries ISPDB's
    /// answer first, then autoconfig's (within the lookup's 1 s patience), then the final result ranked with autoconfig on top.
    @Test func theStreamSendsProgressTheFirstAnswerEarlyAndTheRankedResultLast() async throws {
        let http = try await HTTPTestServer.start(routes: [
            .answer("autoconfig.example.test", "/mail/config-v1.1.xml", body: ispdbConfig(imap: "slow.example.test"), delayMs: 500),
            .answer("ispdb.test", "/v1.1/example.test", body: ispdbConfig(imap: "fast.example.test")),
        ])
        let service = try await RunningService(serviceConfiguration(http.options(plugins: ["autoconfig", "ispdb"])))
        defer { Task { await service.stop() } }
        let response = try await curl("\(service.base)/v1/lookup/stream?email=alice%40example.test")
        #expect(response.status == 200)
        #expect(response.headers["content-type"]?.hasPrefix("text/event-stream") == true)
        let events = serverSentEvents(response.body)
        let names = events.map(\.event)
        #expect(names.last == "result")
        #expect(names.filter { $0 == "result" }.count == 1)
        let answers = events.filter { $0.event == "answer" }.compactMap { jsonObject($0.data) }
        let hosts = answers.map { ($0["incoming"] as? [String: Any])?["host"] as? String }
        #expect(hosts == ["fast.example.test", "slow.example.test"])
        let firstAnswer = try #require(names.firstIndex(of: "answer"))
        let traces = events.filter { $0.event == "trace" }.compactMap { jsonObject($0.data) }
        #expect(traces.contains { $0["plugin"] as? String == "ispdb" && $0["event"] as? String == "started" })
        // autoconfig's outcome comes after the early answer.
        let autoconfigFound = try #require(events.firstIndex { $0.event == "trace" && jsonObject($0.data)?["plugin"] as? String == "autoconfig" && jsonObject($0.data)?["event"] as? String == "found" })
        #expect(firstAnswer < autoconfigFound)
        let result = try #require(jsonObject(events.last?.data ?? ""))
        #expect((result["incoming"] as? [String: Any])?["host"] as? String == "slow.example.test")
        #expect(result["schemaVersion"] as? Int == LookupJSON.schemaVersion)
    }

    /// Three slow lookups in flight when the shutdown starts: all three are answered, then the
    /// listener is gone.
    @Test func gracefulShutdownFinishesInFlightLookupsAndStopsAccepting() async throws {
        let http = try await HTTPTestServer.start(routes: [.answer("ispdb.test", "/v1.1/example.test", body: ispdbConfig(), delayMs: 1500)])
        let service = try await RunningService(serviceConfiguration(http.options(plugins: ["ispdb"])) { $0.cacheMemoryBytes = 0 })
        let base = service.base
        let requests = (0..<3).map { index in
            Task { try await curl("\(base)/v1/lookup?email=user\(index)%40example.test") }
        }
        try await Task.sleep(for: .milliseconds(600))
        let stopped = Task { await service.stop() }
        try await Task.sleep(for: .milliseconds(200))
        for request in requests {
            let response = try await request.value
            #expect(response.status == 200)
            #expect(response.json?["found"] as? Bool == true)
        }
        await stopped.value
        let after = try await curl("\(base)/healthz", timeout: 5)
        #expect(after.status <= 0)
    }
}
