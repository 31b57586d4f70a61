import Synchronization

/// One step of a lookup as it happens (`Autoconf.updates`): what a setup page needs to fill in the
/// servers at once and mark them confirmed when the ranking settles.
public enum LookupUpdate: Sendable {
    /// A plugin's progress (started, tried a source, found, failed, cancelled), as `-v` prints it.
    case trace(TraceEvent)
    /// The best answer so far: what the final ranking would pick if the lookup ended now. A later
    /// `answer` replaces it; it is not final until `result`.
    case answer(Candidate)
    /// The final ranked result, the same as `Autoconf.lookup` returns. Always the last update.
    case result(LookupResult)
}

extension Autoconf {
    /// The lookup of `address` as a sequence of updates: every plugin's progress, each new best
    /// answer as soon as it is in, and the final ranked result last. Bad input (the address, an
    /// option) ends the sequence with the `AutoconfError` `lookup` would throw. Cancelling the
    /// consuming task (or dropping the iterator) cancels the lookup.
    ///
    /// ```swift
    /// for try await update in autoconf.updates("alice@example.com") {
    ///     if case .answer(let best) = update { show(best.configuration) }
    ///     if case .result(let result) = update { confirm(result.best) }
    /// }
    /// ```
    public func updates(_ address: String) -> AsyncThrowingStream<LookupUpdate, any Error> {
        let (stream, continuation) = AsyncThrowingStream<LookupUpdate, any Error>.makeStream()
        let autoconf = self
        let task = Task {
            let offered = Mutex(false)
            let onAnswer: @Sendable (Candidate) -> Void = { candidate in
                offered.withLock { $0 = true }
                continuation.yield(.answer(candidate))
            }
            do {
                let result = try await LookupProgress.$current.withValue(onAnswer) {
                    try await autoconf.lookup(address, observer: { continuation.yield(.trace($0)) })
                }
                // Answers that did not come from the resolver (cache, manual settings) still get
                // their early `answer`, so a consumer needs one code path.
                if let best = result.best, !offered.withLock({ $0 }) { continuation.yield(.answer(best)) }
                continuation.yield(.result(result))
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// This instance with other per-lookup options — timeout, offline, plugins, preferred
    /// protocol, manual settings, real name — sharing its HTTP client, DNS channel and prober (a
    /// service answers each request with that request's options). Options that shape those shared
    /// services (CA file, DNS servers, address mappings, provider directories) keep this
    /// instance's values whatever `change` does to them.
    public func withLookupOptions(_ change: (inout AutoconfOptions) -> Void) -> Autoconf {
        var copy = self
        var options = self.options
        change(&options)
        copy.options.timeout = options.timeout
        copy.options.offline = options.offline
        copy.options.plugins = options.plugins
        copy.options.preferredIncoming = options.preferredIncoming
        copy.options.manual = options.manual
        copy.options.realName = options.realName
        copy.options.cache = options.cache
        copy.optionsProblem = copy.options.problem()
        return copy
    }
}

/// The resolver's hook for `Autoconf.updates`: a task-local sink for each new best answer, so the
/// lookup signatures stay as they are.
enum LookupProgress {
    @TaskLocal static var current: (@Sendable (Candidate) -> Void)?
}

/// Passes the resolver's best answer on only when it changed.
final class BestAnswerTracker: Sendable {
    private let sink: @Sendable (Candidate) -> Void
    private let last = Mutex<Candidate?>(nil)

    init(_ sink: @escaping @Sendable (Candidate) -> Void) { self.sink = sink }

    func offer(_ candidate: Candidate?) {
        guard let candidate else { return }
        let changed = last.withLock { last in
            if last == candidate { return false }
            last = candidate
            return true
        }
        if changed { sink(candidate) }
    }
}
