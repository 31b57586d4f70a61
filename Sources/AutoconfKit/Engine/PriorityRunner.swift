/// The one "stop when nothing can win" loop, shared by the resolver (between plugins) and
/// `SourceRace` (between one plugin's URLs), in the spirit of Thunderbird for Android's
/// `PriorityParallelRunner`: every job starts at once with a bound — the best key it could ever
/// produce (smaller is better) — and the caller folds each result into its own state and says
/// what the best key so far is. A job still running is waited for only while its bound beats that
/// best key; the others are stopped at once. Three more things end jobs: the deadline, the
/// patience (how long a usable answer waits for the jobs that could still beat it, counted from
/// the first usable answer) and `halt` (the caller knows nothing else matters).
///
/// Jobs run as unstructured tasks, so a stopped job that is slow to notice its cancellation never
/// holds the caller: `run` returns as soon as the outcome is decided, and the job's result, when
/// it comes, is dropped.
enum PriorityRunner {
    struct Job<Key: Comparable & Sendable, Value: Sendable>: Sendable {
        var id: Int
        /// The best key this job could produce: it is waited for while this beats the best so far.
        var bound: Key
        var run: @Sendable () async -> Value
    }

    /// Why a job was stopped before it finished.
    enum Ending: Sendable, Equatable {
        /// The best answer so far is at least as good as anything the job could produce.
        case beaten
        /// The patience after the first usable answer ran out.
        case patience
        case deadline
        /// The caller halted the run (`Verdict.halt`).
        case halted
        /// The calling task was cancelled.
        case cancelled
    }

    enum Verdict<Key: Comparable & Sendable> {
        /// The best key among all results so far (nil: nothing usable yet).
        case best(Key?)
        /// Stop every job: the outcome is settled.
        case halt
    }

    private enum Event<Value: Sendable>: Sendable {
        case finished(Int, Value)
        case patience
        case deadline
    }

    /// Runs `jobs` (ids unique) and returns once every job has finished or been stopped.
    /// `consider` sees each result once, in arrival order; `stopped` hears of each job stopped
    /// before it finished. `initialBest` is what the caller already has (jobs whose bound cannot
    /// beat it are stopped before they start, and the patience counts from now).
    static func run<Key: Comparable & Sendable, Value: Sendable>(
        _ jobs: [Job<Key, Value>], initialBest: Key? = nil, deadline: ContinuousClock.Instant? = nil, patience: Duration? = nil,
        consider: (Int, Value) -> Verdict<Key>, stopped: (Int, Ending) -> Void
    ) async {
        var bounds: [Int: Key] = [:]
        for job in jobs { bounds[job.id] = job.bound }
        var pending = Set(jobs.map(\.id))
        var tasks: [Int: Task<Void, Never>] = [:]
        func stop(_ ids: [Int], _ ending: Ending) {
            for id in ids.sorted() where pending.remove(id) != nil {
                tasks.removeValue(forKey: id)?.cancel()
                stopped(id, ending)
            }
        }
        func beaten(by best: Key?) -> [Int] {
            guard let best else { return [] }
            return pending.filter { !(bounds[$0]! < best) }
        }
        stop(beaten(by: initialBest), .beaten)
        if pending.isEmpty { return }

        let (events, continuation) = AsyncStream<Event<Value>>.makeStream()
        for job in jobs where pending.contains(job.id) {
            let run = job.run, id = job.id
            tasks[id] = Task { continuation.yield(.finished(id, await run())) }
        }
        var timers: [Task<Void, Never>] = []
        func startTimer(until instant: ContinuousClock.Instant, _ event: Event<Value>) {
            timers.append(Task {
                try? await Task.sleep(until: instant, clock: .continuous)
                if !Task.isCancelled { continuation.yield(event) }
            })
        }
        if let deadline { startTimer(until: deadline, .deadline) }
        var patienceStarted = false
        func startPatience(_ best: Key?) {
            guard let patience, best != nil, !patienceStarted, !pending.isEmpty else { return }
            patienceStarted = true
            startTimer(until: ContinuousClock.now.advanced(by: patience), .patience)
        }
        startPatience(initialBest)

        await withTaskCancellationHandler {
            for await event in events {
                switch event {
                case .finished(let id, let value):
                    guard pending.remove(id) != nil else { continue }
                    tasks[id] = nil
                    switch consider(id, value) {
                    case .halt:
                        stop(Array(pending), .halted)
                    case .best(let best):
                        stop(beaten(by: best), .beaten)
                        startPatience(best)
                    }
                case .patience:
                    stop(Array(pending), .patience)
                case .deadline:
                    stop(Array(pending), .deadline)
                }
                if pending.isEmpty { break }
            }
        } onCancel: {
            continuation.finish()
        }
        continuation.finish()
        for timer in timers { timer.cancel() }
        stop(Array(pending), .cancelled)
    }
}
