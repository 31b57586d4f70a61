/// Runs the enabled plugins concurrently and picks the best success: by trust first (`trusted`,
/// then `confirm`, then cross-domain `confirm`), then by plugin rank (the order of `plugins`),
/// then by the plugin's own subrank. A slow higher-ranked plugin beats a fast lower-ranked one of
/// the same trust. The lookup returns as soon as no running plugin can still beat the best result
/// so far (plugins that can no longer win are cancelled at once) or when the deadline passes.
///
/// A plugin may establish that the email domain does not exist (`domainDoesNotExist`); the lookup
/// then ends at once, and `LookupResult.nonexistentDomain` says why.
///
/// The resolver only schedules; it knows no plugin by name.
public struct Resolver: Sendable {
    /// In rank order: index 0 ranks highest.
    public var plugins: [any ProviderPlugin]
    /// Bounds the whole lookup.
    public var timeout: Duration
    /// IMAP unless the user prefers POP3.
    public var preferredIncoming: ServerType

    /// How long a usable answer waits for better-ranked plugins that are still running (counted
    /// from the first usable answer); nil waits until the deadline.
    public var patience: Duration?

    /// The lookup deadline unless told otherwise (`--timeout`): 10 s.
    public static let defaultTimeout: Duration = .seconds(10)
    /// How long an answer waits for better-ranked sources unless told otherwise (`--patience`): 1 s.
    public static let defaultPatience: Duration = .seconds(1)

    /// An engine for `plugins` (rank order) with one deadline for the whole lookup.
    public init(
        plugins: [any ProviderPlugin], timeout: Duration = Resolver.defaultTimeout, preferredIncoming: ServerType = .imap,
        patience: Duration? = Resolver.defaultPatience
    ) {
        self.plugins = plugins
        self.timeout = timeout
        self.preferredIncoming = preferredIncoming
        self.patience = patience
    }

    private struct Outcome: Sendable {
        var result: Result<PluginOutcome, any Error>
        var elapsed: Double
    }

    /// What decides whether a running plugin is still waited for: its best possible tier, then
    /// its authority group — the rank of the first plugin of its run of neighbours with the same
    /// `authority`. Plugins of one group are equally authoritative, so whichever answers first is
    /// not held back by the others; a plugin without an authority class is a group of its own.
    struct WaitKey: Comparable, Sendable {
        var tier: Int
        var group: Int
        static func < (a: WaitKey, b: WaitKey) -> Bool { (a.tier, a.group) < (b.tier, b.group) }
    }

    static func seconds(_ duration: Duration) -> String {
        let value = duration.milliseconds / 1000
        return value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }

    /// Ranking key: smaller is better.
    struct Key: Comparable {
        var tier: Int
        var rank: Int
        var subrank: Int
        static func < (a: Key, b: Key) -> Bool { (a.tier, a.rank, a.subrank) < (b.tier, b.rank, b.subrank) }
    }

    /// Runs every plugin at once and returns the ranked answers as soon as no running plugin can beat the best (or the deadline passes). Never throws: failures are in the reports.
    /// - Parameters:
    ///   - services: what the plugins use (HTTP client, DNS resolver, prober); empty for plugins that need none.
    ///   - observer: receives every `TraceEvent`.
    public func lookup(_ query: LookupQuery, services: LookupServices = LookupServices(), observer: TraceObserver? = nil) async -> LookupResult {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start.advanced(by: timeout)
        let sanitizer = CandidateSanitizer(query: query, preferredIncoming: preferredIncoming)
        var state = State(plugins: plugins)
        let progress = LookupProgress.current.map(BestAnswerTracker.init)
        func elapsed() -> Double { (ContinuousClock.now - start).milliseconds }
        func trace(_ plugin: String, _ kind: TraceEvent.Kind, duration: Double? = nil) {
            observer?(TraceEvent(plugin: plugin, kind: kind, atMilliseconds: elapsed(), durationMilliseconds: duration))
        }

        // Phase 1: instant plugins run inline, in rank order.
        for (index, plugin) in plugins.enumerated() where plugin.answersInstantly {
            let context = PluginContext(pluginName: plugin.name, deadline: deadline, startedAt: start, services: services, observer: observer)
            context.trace(.started)
            let began = ContinuousClock.now
            let result: Result<PluginOutcome, any Error>
            do { result = .success(try await plugin.lookup(query, context: context)) } catch { result = .failure(error) }
            let took = (ContinuousClock.now - began).milliseconds
            state.record(index, result: result, elapsed: took, sanitizer: sanitizer, trace: { trace(plugin.name, $0, duration: took) })
            progress?.offer(state.bestCandidate)
        }
        // Phase 2: start only the plugins that could still beat what phase 1 found.
        for index in state.running.sorted() where !state.canBeat(index) || state.nonexistentDomain != nil {
            state.finish(index, status: .skipped, failure: nil, elapsed: 0)
            trace(plugins[index].name, .cancelled("a result it cannot beat is already in"))
        }
        let jobs = state.running.sorted().map { index in
            let plugin = plugins[index]
            let context = PluginContext(pluginName: plugin.name, deadline: deadline, startedAt: start, services: services, observer: observer)
            return PriorityRunner.Job<WaitKey, Outcome>(id: index, bound: state.bound(index)) {
                context.trace(.started)
                let began = ContinuousClock.now
                let result: Result<PluginOutcome, any Error>
                do { result = .success(try await plugin.lookup(query, context: context)) } catch { result = .failure(error) }
                return Outcome(result: result, elapsed: (ContinuousClock.now - began).milliseconds)
            }
        }
        // Loading the network libraries and trust stores starts now, beside the plugins' first
        // DNS round trips, instead of in front of their first request.
        if jobs.contains(where: { plugins[$0.id].needsNetwork }) {
            services[NetworkWarmUpKey.self]?.start(jobs.contains { plugins[$0.id].networkUse == .dnsRecords })
        }
        let patience = self.patience
        await PriorityRunner.run(
            jobs, initialBest: state.bestWaitKey, deadline: deadline, patience: patience,
            consider: { index, outcome in
                state.record(index, result: outcome.result, elapsed: outcome.elapsed, sanitizer: sanitizer, trace: { trace(plugins[index].name, $0, duration: outcome.elapsed) })
                progress?.offer(state.bestCandidate)
                // Nothing can configure a domain that does not exist: stop everything.
                return state.nonexistentDomain != nil ? .halt : .best(state.bestWaitKey)
            },
            stopped: { index, ending in
                let name = plugins[index].name
                switch ending {
                case .beaten:
                    state.finish(index, status: .cancelled, failure: nil, elapsed: elapsed())
                    trace(name, .cancelled("a result it cannot beat is already in"))
                case .halted:
                    state.finish(index, status: .cancelled, failure: nil, elapsed: elapsed())
                    trace(name, .cancelled("the email domain does not exist"))
                case .deadline:
                    state.finish(index, status: .timedOut, failure: PluginFailure(.timeout, "the lookup deadline passed"), elapsed: elapsed())
                    trace(name, .cancelled("the lookup deadline passed"))
                    state.deadlineReached = true
                case .patience:
                    let why = "no answer within the lookup's patience (\(patience.map(Self.seconds) ?? "?")) after a usable answer"
                    state.finish(index, status: .timedOut, failure: PluginFailure(.timeout, why), elapsed: elapsed())
                    state.impatient.append(name)
                    trace(name, .cancelled(why))
                case .cancelled:
                    state.finish(index, status: .cancelled, failure: nil, elapsed: elapsed())
                    trace(name, .cancelled("cancelled"))
                }
            })

        // The plugins' own network waits end at the same deadline, so a plugin may report its
        // timeout a moment before the runner's deadline fires: the lookup still ended on it.
        if clock.now >= deadline, state.reports.contains(where: { $0?.status == .timedOut }) { state.deadlineReached = true }
        let ranked = state.candidates.sorted { $0.key < $1.key }
        var result = LookupResult(
            email: query.email, candidates: ranked.map(\.candidate), reports: state.reports.compactMap { $0 },
            elapsedMilliseconds: elapsed(), deadlineReached: state.deadlineReached)
        result.nonexistentDomain = state.nonexistentDomain
        if !state.impatient.isEmpty, let best = ranked.first {
            let who = state.impatient.joined(separator: ", ")
            result.patienceNote = "\(who) (ranked above \(best.candidate.provenance.plugin)) did not answer within the patience of \(patience.map(Self.seconds) ?? "?"); "
                + "the answer shown is the best that came in time"
        }
        if let unsupported = state.unsupported, ranked.first.map({ unsupported.key < $0.key }) ?? true {
            result.unsupported = unsupported.answer
            result.candidates = []
        }
        return result
    }

    /// Bookkeeping of one lookup, owned by the resolver's loop.
    private struct State {
        let plugins: [any ProviderPlugin]
        var running: Set<Int>
        var reports: [PluginReport?]
        var candidates: [(key: Key, candidate: Candidate)] = []
        var unsupported: (key: Key, answer: UnsupportedProvider)?
        var deadlineReached = false
        /// Why the email domain does not exist, once a plugin established it.
        var nonexistentDomain: String?
        /// Plugins given up on when the patience ran out.
        var impatient: [String] = []
        /// Each plugin's authority group (see `WaitKey`).
        let groups: [Int]

        init(plugins: [any ProviderPlugin]) {
            self.plugins = plugins
            running = Set(plugins.indices)
            reports = Array(repeating: nil, count: plugins.count)
            var groups: [Int] = []
            for (index, plugin) in plugins.enumerated() {
                if index > 0, let authority = plugin.authority, plugins[index - 1].authority == authority {
                    groups.append(groups[index - 1])
                } else {
                    groups.append(index)
                }
            }
            self.groups = groups
        }

        /// The best plugin `index` could ever produce.
        func bound(_ index: Int) -> WaitKey {
            WaitKey(tier: plugins[index].bestPossibleTrust == .trusted ? 0 : 1, group: groups[index])
        }

        /// Whether plugin `index` could still produce something better than the best answer so far.
        func canBeat(_ index: Int) -> Bool {
            guard let best = bestWaitKey else { return true }
            return bound(index) < best
        }

        var bestWaitKey: WaitKey? { bestKey.map { WaitKey(tier: $0.tier, group: groups[$0.rank]) } }
        /// The best answer so far (what the final ranking would pick now), for streaming updates.
        var bestCandidate: Candidate? { candidates.min { $0.key < $1.key }?.candidate }

        var bestKey: Key? {
            let candidateBest = candidates.map(\.key).min()
            guard let unsupportedKey = unsupported?.key else { return candidateBest }
            return candidateBest.map { min($0, unsupportedKey) } ?? unsupportedKey
        }

        mutating func finish(_ index: Int, status: PluginReport.Status, failure: PluginFailure?, elapsed: Double, count: Int = 0) {
            running.remove(index)
            reports[index] = PluginReport(plugin: plugins[index].name, rank: index, status: status, candidates: count, failure: failure, elapsedMilliseconds: elapsed, networkUse: plugins[index].networkUse)
        }

        mutating func record(_ index: Int, result: Result<PluginOutcome, any Error>, elapsed: Double, sanitizer: CandidateSanitizer, trace: (TraceEvent.Kind) -> Void) {
            switch result {
            case .success(.found(let found)):
                let usable = found.compactMap { sanitizer.sanitize($0, note: { trace(.note($0)) }) }
                if usable.isEmpty {
                    let failure = PluginFailure(.invalidData, "no usable server after validation")
                    finish(index, status: .failed, failure: failure, elapsed: elapsed)
                    trace(.failed(failure))
                    return
                }
                for (order, candidate) in usable.enumerated() {
                    var item = candidate
                    if item.provenance.plugin.isEmpty { item.provenance.plugin = plugins[index].name }
                    candidates.append((Key(tier: item.trust.tier, rank: index, subrank: item.subrank * 1000 + order), item))
                }
                finish(index, status: .found, failure: nil, elapsed: elapsed, count: usable.count)
                trace(.found(usable.count))
            case .success(.notFound(let why)):
                finish(index, status: .notFound, failure: nil, elapsed: elapsed)
                trace(.notFound(why))
            case .success(.domainDoesNotExist(let why)):
                if nonexistentDomain == nil { nonexistentDomain = why }
                finish(index, status: .notFound, failure: nil, elapsed: elapsed)
                trace(.notFound(why))
            case .success(.unsupported(let answer)):
                let key = Key(tier: 0, rank: index, subrank: 0)
                if unsupported.map({ key < $0.key }) ?? true { unsupported = (key, answer) }
                finish(index, status: .found, failure: nil, elapsed: elapsed)
                trace(.unsupported)
            case .failure(let error as PluginFailure):
                finish(index, status: error.kind == .timeout ? .timedOut : .failed, failure: error, elapsed: elapsed)
                trace(.failed(error))
            case .failure(is CancellationError):
                finish(index, status: .cancelled, failure: nil, elapsed: elapsed)
                trace(.cancelled("cancelled"))
            case .failure(let error):
                let failure = PluginFailure(.other, String(describing: error))
                finish(index, status: .failed, failure: failure, elapsed: elapsed)
                trace(.failed(failure))
            }
        }
    }
}

/// What a lookup that will use the network starts at once, in the background (the built-in
/// services load libcurl, OpenSSL and the trust stores through it). `start` must return at once;
/// its argument says whether a running plugin starts from DNS records (MX, SRV), so the record
/// resolver is only prepared for lookups that will ask it.
package struct NetworkWarmUp: Sendable {
    package var start: @Sendable (_ asksRecords: Bool) -> Void
    package init(_ start: @escaping @Sendable (_ asksRecords: Bool) -> Void) { self.start = start }
}

package enum NetworkWarmUpKey: ServiceKey {
    package typealias Value = NetworkWarmUp
}
