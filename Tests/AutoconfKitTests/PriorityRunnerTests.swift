@testable import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// The one "stop when nothing can win" loop, with fake jobs (sleeps), and the resolver's use of
/// it: authority classes and the patience.
@Suite struct PriorityRunnerTests {
    typealias Job = PriorityRunner.Job<Int, Int>

    /// A job that answers `value` after `ms` milliseconds (or never, for nil).
    static func job(_ id: Int, bound: Int, after ms: Int?, value: Int) -> Job {
        Job(id: id, bound: bound) {
            guard let ms else {
                try? await Task.sleep(for: .seconds(3600))
                return -1
            }
            try? await Task.sleep(for: .milliseconds(ms))
            return value
        }
    }

    /// Runs `jobs`, the best key being the smallest value seen; returns what finished and how the
    /// others ended, and how long it took.
    static func race(_ jobs: [Job], patience: Duration? = nil, deadline: Duration? = nil) async -> (finished: [Int], stopped: [Int: PriorityRunner.Ending], took: Duration) {
        var finished: [Int] = []
        var stopped: [Int: PriorityRunner.Ending] = [:]
        var best: Int?
        let start = ContinuousClock.now
        await PriorityRunner.run(
            jobs, deadline: deadline.map { start.advanced(by: $0) }, patience: patience,
            consider: { id, value in
                finished.append(id)
                best = min(best ?? value, value)
                return .best(best)
            },
            stopped: { id, ending in stopped[id] = ending })
        return (finished, stopped, ContinuousClock.now - start)
    }

    @Test func aSlowBetterJobIsAwaitedAndAWorseOneStopped() async {
        let outcome = await Self.race([
            Self.job(0, bound: 0, after: 150, value: 0),
            Self.job(1, bound: 1, after: 10, value: 1),
            Self.job(2, bound: 2, after: nil, value: 2),
        ])
        #expect(outcome.finished == [1, 0])
        #expect(outcome.stopped == [2: .beaten])
    }

    @Test func equalBoundsDoNotWaitForEachOther() async {
        // Both could produce key 0: the first answer of that key settles it; the hanging one is stopped.
        let outcome = await Self.race([
            Self.job(0, bound: 0, after: nil, value: 0),
            Self.job(1, bound: 0, after: 10, value: 0),
        ])
        #expect(outcome.finished == [1])
        #expect(outcome.stopped == [0: .beaten])
        #expect(outcome.took < .seconds(20))  // generous under load; without the rule it would never end
    }

    @Test func thePatienceEndsTheWaitForABetterJob() async {
        let outcome = await Self.race([
            Self.job(0, bound: 0, after: nil, value: 0),
            Self.job(1, bound: 1, after: 10, value: 1),
        ], patience: .milliseconds(100))
        #expect(outcome.finished == [1])
        #expect(outcome.stopped == [0: .patience])
    }

    @Test func theDeadlineEndsEverything() async {
        let outcome = await Self.race([
            Self.job(0, bound: 0, after: nil, value: 0),
            Self.job(1, bound: 1, after: nil, value: 1),
        ], deadline: .milliseconds(100))
        #expect(outcome.finished.isEmpty)
        #expect(outcome.stopped == [0: .deadline, 1: .deadline])
    }

    @Test func haltStopsEveryJob() async {
        var stopped: [Int: PriorityRunner.Ending] = [:]
        await PriorityRunner.run(
            [Self.job(0, bound: 0, after: nil, value: 0), Self.job(1, bound: 1, after: 5, value: 1)],
            consider: { _, _ in .halt }, stopped: { id, ending in stopped[id] = ending })
        #expect(stopped == [0: .halted])
    }

    @Test func anInitialBestStopsJobsThatCannotBeatItBeforeTheyStart() async {
        let started = EventLog()
        var stopped: [Int: PriorityRunner.Ending] = [:]
        let jobs = [0, 1, 2].map { id in Job(id: id, bound: id) { started.append("\(id)"); return id } }
        await PriorityRunner.run(jobs, initialBest: 1, consider: { _, value in .best(min(1, value)) }, stopped: { id, ending in stopped[id] = ending })
        #expect(stopped == [1: .beaten, 2: .beaten])
        #expect(started.entries == ["0"])
    }

    // The resolver's use of the runner.

    let query = LookupQuery(email: try! EmailAddress("alice@example.com"))

    @Test func pluginsOfOneAuthorityClassDoNotWaitForEachOther() async {
        var hanging = FixedPlugin(name: "hanging", behaviour: .hang)
        hanging.authority = .dns
        var fast = FixedPlugin.answering("fast", host: "fast.example.com", after: .milliseconds(10))
        fast.authority = .dns
        let resolver = Resolver(plugins: [hanging, fast], timeout: .seconds(60), patience: nil)
        let start = ContinuousClock.now
        let result = await resolver.lookup(query)
        #expect(ContinuousClock.now - start < .seconds(20))
        #expect(result.best?.configuration.incoming.first?.hostname == "fast.example.com")
        #expect(result.reports.first { $0.plugin == "hanging" }?.status == .cancelled)
        #expect(result.patienceNote == nil)
    }

    @Test func bothInTheBetterRankedOfOneClassStillWins() async {
        var high = FixedPlugin.answering("high", host: "high.example.com", after: .milliseconds(5))
        high.authority = .domain
        var low = FixedPlugin.answering("low", host: "low.example.com", after: .milliseconds(5))
        low.authority = .domain
        // Both answer at about the same time; whichever comes second is cancelled or kept, but a
        // tie in arrival never lets the lower rank sort first when both are in.
        let result = await Resolver(plugins: [high, low]).lookup(query)
        if result.candidates.count == 2 { #expect(result.best?.configuration.incoming.first?.hostname == "high.example.com") }
        #expect(result.found)
    }

    @Test func aHigherClassIsAwaitedUntilThePatienceRunsOut() async {
        var slow = FixedPlugin(name: "slow", behaviour: .hang)
        slow.authority = .domain
        var fast = FixedPlugin.answering("fast", host: "fast.example.com", after: .milliseconds(10))
        fast.authority = .dns
        let resolver = Resolver(plugins: [slow, fast], timeout: .seconds(60), patience: .milliseconds(200))
        let start = ContinuousClock.now
        let result = await resolver.lookup(query)
        #expect(ContinuousClock.now - start >= .milliseconds(200))
        #expect(ContinuousClock.now - start < .seconds(20))
        #expect(result.best?.configuration.incoming.first?.hostname == "fast.example.com")
        #expect(result.reports.first { $0.plugin == "slow" }?.status == .timedOut)
        #expect(result.patienceNote?.contains("slow") == true)
    }

    @Test func aHigherClassThatAnswersWithinThePatienceWins() async {
        var slow = FixedPlugin.answering("slow", host: "slow.example.com", after: .milliseconds(150))
        slow.authority = .domain
        var fast = FixedPlugin.answering("fast", host: "fast.example.com", after: .milliseconds(10))
        fast.authority = .dns
        let result = await Resolver(plugins: [slow, fast], timeout: .seconds(60), patience: .seconds(30)).lookup(query)
        #expect(result.best?.configuration.incoming.first?.hostname == "slow.example.com")
        #expect(result.patienceNote == nil)
    }
}
