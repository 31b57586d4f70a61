import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

@Suite struct BatchLookupTests {
    /// Answers for every domain after a delay that makes later lines finish first.
    struct SlowPlugin: ProviderPlugin {
        let name = "slow"
        var summary: String { "slow" }
        let log: EventLog
        let active: EventLog
        func lookup(_ query: LookupQuery, context: PluginContext) async throws -> PluginOutcome {
            log.append(query.email.domain)
            active.append("+")
            defer { active.append("-") }
            let delay = query.email.domain.hasPrefix("a") ? 150 : 10
            try await Task.sleep(for: .milliseconds(delay))
            guard !query.email.domain.hasPrefix("none") else { return .notFound("no") }
            return .found([Candidate(configuration: testConfiguration("mail.\(query.email.domain)", domain: query.email.domain), trust: .trusted, provenance: context.provenance(source: "slow", channel: .https))])
        }
    }

    @Test func keepsOrderDeduplicatesDomainsBoundsConcurrencyAndReportsBadLines() async throws {
        let text = """
            u1@a.test
            # a comment

            not an address
            u2@b.test
            u3@a.test
            x@none.test
            u4@c.test
            a@b@c
            """
        let log = EventLog(), active = EventLog()
        let autoconf = Autoconf(options: AutoconfOptions(plugins: ["slow"], readsUserDirectory: false), additionalPlugins: [SlowPlugin(log: log, active: active)])
        let lines = BatchLookup.addresses(in: text)
        #expect(lines.map(\.number) == [1, 4, 5, 6, 7, 8, 9])
        let out = EventLog()
        await BatchLookup(autoconf: autoconf, jobs: 2).run(lines) { index, line in
            switch line {
            case .result(let result): out.append("\(index) \(result.email.address) \(result.found) \(result.best?.configuration.incoming.first?.username ?? "-")")
            case .error(let number, _, let message): out.append("\(index) error line \(number): \(message.prefix(21))")
            }
        }
        #expect(out.entries == [
            "0 u1@a.test true u1@a.test",
            "1 error line 4: invalid email address",
            "2 u2@b.test true u2@b.test",
            "3 u3@a.test true u3@a.test",
            "4 x@none.test false -",
            "5 u4@c.test true u4@c.test",
            "6 error line 9: invalid email address",
        ])
        #expect(log.entries.sorted() == ["a.test", "b.test", "c.test", "none.test"])
        // Never more than two lookups at once.
        var running = 0, peak = 0
        for mark in active.entries { running += mark == "+" ? 1 : -1; peak = max(peak, running) }
        #expect(peak <= 2)
    }
}
