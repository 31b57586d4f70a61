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

    public static let defaultTimeout: Duration = .seconds(10)

    public init(plugins: [any ProviderPlugin], timeout: Duration = Resolver.defaultTimeout, preferredIncoming: ServerType = .imap) {
        self.plugins = plugins
        self.timeout = timeout
        self.preferredIncoming = preferredIncoming
    }

    private enum Event: Sendable {
        case finished(index: Int, result: Result<PluginOutcome, any Error>, elapsed: Double)
        case deadline
    }

    /// Ranking key: smaller is better.
    struct Key: Comparable {
        var tier: Int
        var rank: Int
        var subrank: Int
        static func < (a: Key, b: Key) -> Bool { (a.tier, a.rank, a.subrank) < (b.tier, b.rank, b.subrank) }
    }

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
        let (events, continuation) = AsyncStream<Event>.makeStream()

        var tasks: [Task<Void, Never>?] = Array(repeating: nil, count: plugins.count)
        for index in state.running.sorted() {
            let plugin = plugins[index]
            let context = PluginContext(pluginName: plugin.name, deadline: deadline, startedAt: start, services: services, observer: observer)
            tasks[index] = Task {
                context.trace(.started)
                let began = ContinuousClock.now
                let result: Result<PluginOutcome, any Error>
                do { result = .success(try await plugin.lookup(query, context: context)) } catch { result = .failure(error) }
                continuation.yield(.finished(index: index, result: result, elapsed: (ContinuousClock.now - began).milliseconds))
            }
        }
        let timer: Task<Void, Never>? = state.running.isEmpty ? nil : Task {
            try? await Task.sleep(until: deadline, clock: .continuous)
            if !Task.isCancelled { continuation.yield(.deadline) }
        }

        await withTaskCancellationHandler {
            if state.running.isEmpty { return }
            for await event in events {
                switch event {
                case .deadline:
                    for index in state.running.sorted() {
                        tasks[index]?.cancel()
                        state.finish(index, status: .timedOut, failure: PluginFailure(.timeout, "the lookup deadline passed"), elapsed: elapsed())
                        trace(plugins[index].name, .cancelled("the lookup deadline passed"))
                    }
                    state.deadlineReached = true
                case .finished(let index, let result, let time):
                    guard state.running.contains(index) else { continue }
                    state.record(index, result: result, elapsed: time, sanitizer: sanitizer, trace: { trace(plugins[index].name, $0, duration: time) })
                    progress?.offer(state.bestCandidate)
                    if state.nonexistentDomain != nil {
                        // Nothing can configure a domain that does not exist: stop everything.
                        for other in state.running.sorted() {
                            tasks[other]?.cancel()
                            state.finish(other, status: .cancelled, failure: nil, elapsed: elapsed())
                            trace(plugins[other].name, .cancelled("the email domain does not exist"))
                        }
                    }
                    // Cancel every running plugin that can no longer beat the best answer so far.
                    for other in state.running.sorted() where !state.canBeat(other) {
                        tasks[other]?.cancel()
                        state.finish(other, status: .cancelled, failure: nil, elapsed: elapsed())
                        trace(plugins[other].name, .cancelled("a result it cannot beat is already in"))
                    }
                }
                if state.running.isEmpty { break }
            }
        } onCancel: {
            continuation.finish()
        }
        timer?.cancel()
        for index in state.running { tasks[index]?.cancel() }
        continuation.finish()

        let ranked = state.candidates.sorted { $0.key < $1.key }
        var result = LookupResult(
            email: query.email, candidates: ranked.map(\.candidate), reports: state.reports.compactMap { $0 },
            elapsedMilliseconds: elapsed(), deadlineReached: state.deadlineReached)
        result.nonexistentDomain = state.nonexistentDomain
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

        init(plugins: [any ProviderPlugin]) {
            self.plugins = plugins
            running = Set(plugins.indices)
            reports = Array(repeating: nil, count: plugins.count)
        }

        /// Whether plugin `index` could still produce something better than the best answer so far.
        func canBeat(_ index: Int) -> Bool {
            guard let best = bestKey else { return true }
            let possible = Key(tier: plugins[index].bestPossibleTrust == .trusted ? 0 : 1, rank: index, subrank: Int.min)
            return possible < best
        }

        /// The best answer so far (what the final ranking would pick now), for streaming updates.
        var bestCandidate: Candidate? { candidates.min { $0.key < $1.key }?.candidate }

        var bestKey: Key? {
            let candidateBest = candidates.map(\.key).min()
            guard let unsupportedKey = unsupported?.key else { return candidateBest }
            return candidateBest.map { min($0, unsupportedKey) } ?? unsupportedKey
        }

        mutating func finish(_ index: Int, status: PluginReport.Status, failure: PluginFailure?, elapsed: Double, count: Int = 0) {
            running.remove(index)
            reports[index] = PluginReport(plugin: plugins[index].name, rank: index, status: status, candidates: count, failure: failure, elapsedMilliseconds: elapsed)
        }

        mutating func record(_ index: Int, result: Result<PluginOutcome, any Error>, elapsed: Double, sanitizer: CandidateSanitizer, trace: (TraceEvent.Kind) -> Void) {
            switch result {
            case .success(.found(let found)):
                let usable = found.compactMap(sanitizer.sanitize)
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
