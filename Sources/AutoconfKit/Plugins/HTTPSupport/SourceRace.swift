/// One place an HTTP plugin asks, with the best trust tier it could ever produce (0 trusted,
/// 1 confirm), its order within the plugin, and its authority: sources of equal authority (the
/// domain's own HTTPS servers, autoconfig.D and D/.well-known) do not wait for each other.
struct RankedSource: Sendable {
    var bestTier: Int
    var subrank: Int
    /// Sources with the same value are equally authoritative (default: the subrank, so each source
    /// is waited for by those ranked below it).
    var authority: Int
    var run: @Sendable () async -> SourceAnswer

    init(bestTier: Int, subrank: Int, authority: Int? = nil, run: @escaping @Sendable () async -> SourceAnswer) {
        self.bestTier = bestTier
        self.subrank = subrank
        self.authority = authority ?? subrank
        self.run = run
    }
}

/// What one source said.
enum SourceAnswer: Sendable {
    case found([Candidate])
    /// The source does not exist or has nothing (404, name does not resolve).
    case absent(String)
    case failed(PluginFailure)
}

/// Runs a plugin's sources at once and stops as soon as no source still running could beat the
/// best answer so far — the resolver's rule between plugins (`PriorityRunner`), applied inside
/// one — so a fast trusted HTTPS answer never waits for a hanging plain-HTTP one, a slow HTTPS
/// answer still beats a fast HTTP one, and of two equally authoritative URLs the first answer
/// is not held back by the other.
enum SourceRace {
    struct WaitKey: Comparable, Sendable {
        var tier: Int
        var authority: Int
        static func < (a: WaitKey, b: WaitKey) -> Bool { (a.tier, a.authority) < (b.tier, b.authority) }
    }

    static func run(_ sources: [RankedSource]) async -> [SourceAnswer?] {
        var answers = [SourceAnswer?](repeating: nil, count: sources.count)
        let jobs = sources.enumerated().map { index, source in
            PriorityRunner.Job<WaitKey, SourceAnswer>(id: index, bound: WaitKey(tier: source.bestTier, authority: source.authority), run: source.run)
        }
        await PriorityRunner.run(
            jobs,
            consider: { index, answer in
                answers[index] = answer
                let best = answers.indices.compactMap { index -> WaitKey? in
                    guard case .found(let candidates)? = answers[index], let tier = candidates.map(\.trust.tier).min() else { return nil }
                    return WaitKey(tier: tier, authority: sources[index].authority)
                }.min()
                return .best(best)
            },
            stopped: { _, _ in })
        return answers
    }

    /// Every candidate found, best first; else "not found" when every source was absent; else the
    /// failures, in source order.
    static func outcome(_ answers: [SourceAnswer?]) throws(PluginFailure) -> PluginOutcome {
        var candidates: [Candidate] = []
        var absent: [String] = []
        var failures: [PluginFailure] = []
        for answer in answers {
            switch answer {
            case .found(let found)?: candidates += found
            case .absent(let why)?: absent.append(why)
            case .failed(let failure)?: failures.append(failure)
            case nil: break
            }
        }
        if !candidates.isEmpty {
            return .found(candidates.sorted { ($0.trust.tier, $0.subrank) < ($1.trust.tier, $1.subrank) })
        }
        if let first = failures.first {
            let more = failures.count > 1 ? " (and \(failures.count - 1) more: \(failures[1...].map(\.message).joined(separator: "; ")))" : ""
            throw PluginFailure(first.kind, first.message + more)
        }
        return .notFound(absent.isEmpty ? "no source answered" : absent.joined(separator: "; "))
    }
}
