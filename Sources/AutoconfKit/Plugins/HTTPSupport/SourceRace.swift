/// One place an HTTP plugin asks, with the best trust tier it could ever produce (0 trusted,
/// 1 confirm) and its order within the plugin.
struct RankedSource: Sendable {
    var bestTier: Int
    var subrank: Int
    var run: @Sendable () async -> SourceAnswer
}

/// What one source said.
enum SourceAnswer: Sendable {
    case found([Candidate])
    /// The source does not exist or has nothing (404, name does not resolve).
    case absent(String)
    case failed(PluginFailure)
}

/// Runs a plugin's sources at once and stops as soon as no source still running could beat the
/// best answer so far — the same rule the resolver applies between plugins, applied inside one —
/// so a fast trusted HTTPS answer never waits for a hanging plain-HTTP one, and a slow HTTPS
/// answer still beats a fast HTTP one.
enum SourceRace {
    static func run(_ sources: [RankedSource]) async -> [SourceAnswer?] {
        var answers = [SourceAnswer?](repeating: nil, count: sources.count)
        await withTaskGroup(of: (Int, SourceAnswer).self) { group in
            for (index, source) in sources.enumerated() {
                group.addTask { (index, await source.run()) }
            }
            var pending = Set(sources.indices)
            while let (index, answer) = await group.next() {
                answers[index] = answer
                pending.remove(index)
                let best = answers.compactMap { answer -> (Int, Int)? in
                    guard case .found(let candidates)? = answer else { return nil }
                    return candidates.map { ($0.trust.tier, $0.subrank) }.min { $0 < $1 }
                }.min { $0 < $1 }
                guard let best else { continue }
                if !pending.contains(where: { (sources[$0].bestTier, sources[$0].subrank) < best }) {
                    group.cancelAll()
                    break
                }
            }
        }
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
