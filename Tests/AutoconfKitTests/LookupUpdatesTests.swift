import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// `Autoconf.updates`: the lookup as it happens (what the service streams).
@Suite struct LookupUpdatesTests {
    func autoconf(_ plugins: [FixedPlugin]) -> Autoconf {
        Autoconf(options: AutoconfOptions(plugins: plugins.map(\.name), readsUserDirectory: false, environment: [:]), additionalPlugins: plugins)
    }

    /// The higher-ranked source is slow: the lower-ranked one's answer comes first, then the
    /// better one, then the result ranked with it on top — always last.
    @Test func answersArriveAsTheyImproveAndTheResultIsLast() async throws {
        let autoconf = autoconf([
            .answering("slow-first", host: "imap.best.example", after: .milliseconds(400)),
            .answering("fast-second", host: "imap.early.example"),
        ])
        var answers: [String] = []
        var kinds: [String] = []
        var final: LookupResult?
        var answeredAt: [ContinuousClock.Instant] = []
        for try await update in autoconf.updates("alice@example.com") {
            switch update {
            case .trace: kinds.append("trace")
            case .answer(let candidate):
                kinds.append("answer")
                answers.append(candidate.configuration.incoming.first?.hostname ?? "")
                answeredAt.append(.now)
            case .result(let result):
                kinds.append("result")
                final = result
            }
        }
        #expect(answers == ["imap.early.example", "imap.best.example"])
        #expect(kinds.last == "result" && kinds.filter { $0 == "result" }.count == 1)
        #expect(final?.best?.provenance.plugin == "slow-first")
        #expect(kinds.firstIndex(of: "answer")! > kinds.firstIndex(of: "trace")!)
        #expect(answeredAt.count == 2 && answeredAt[1] - answeredAt[0] > .milliseconds(200))
    }

    @Test func badInputEndsTheSequenceWithTheLookupsError() async {
        let autoconf = autoconf([.answering("only", host: "imap.example.com")])
        do {
            for try await _ in autoconf.updates("a@b@c") {}
            Issue.record("expected an error")
        } catch let error as AutoconfError {
            #expect(error.description.contains("invalid email address"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func droppingTheSequenceCancelsTheLookup() async throws {
        let log = EventLog()
        let autoconf = autoconf([FixedPlugin(name: "hangs", behaviour: .hang, log: log)])
        let started = ContinuousClock.now
        for try await update in autoconf.updates("alice@example.com") {
            if case .trace = update { break }
        }
        // The hanging plugin is cancelled rather than running into the 10 s deadline.
        let deadline = ContinuousClock.now.advanced(by: .seconds(5))
        while !log.entries.contains("hangs cancelled") && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(log.entries.contains("hangs cancelled"))
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func withLookupOptionsChangesOnlyPerLookupOptions() {
        let base = Autoconf(options: AutoconfOptions(readsUserDirectory: false, environment: [:], caFile: "/etc/ssl/ca.pem"))
        let changed = base.withLookupOptions { options in
            options.timeout = .seconds(3)
            options.offline = true
            options.caFile = "/elsewhere.pem"
        }
        #expect(changed.options.timeout == .seconds(3))
        #expect(changed.options.offline)
        #expect(changed.options.caFile == "/etc/ssl/ca.pem")
    }
}
