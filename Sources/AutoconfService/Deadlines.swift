// Time limits for work that may never answer: a client trickling its body, a database call on a
// connection that went silent.
import Synchronization

struct DeadlineExceeded: Error {}

/// `body`'s value, or `DeadlineExceeded` after `limit` (body is cancelled then).
func withDeadline<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw DeadlineExceeded()
        }
        defer { group.cancelAll() }
        guard let value = try await group.next() else { throw DeadlineExceeded() }
        return value
    }
}

/// Like `withDeadline`, but the caller has its answer at `limit` even when `body` does not
/// honour the cancellation (a database call waiting on a connection that never answers): `body`
/// runs in a task of its own, is cancelled at the deadline and left to end by itself.
func withHardDeadline<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let race = DeadlineRace<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.begin(continuation)
            let work = Task {
                do { race.finish(.success(try await body())) } catch { race.finish(.failure(error)) }
            }
            let timer = Task {
                try? await Task.sleep(for: limit)
                race.finish(.failure(DeadlineExceeded()))
            }
            race.track([work, timer])
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// The first of the work, the timer and a cancellation to finish resumes the caller; the others
/// are cancelled.
final class DeadlineRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var finished: Result<T, any Error>?
        var tasks: [Task<Void, Never>] = []
    }
    private let state = Mutex(State())

    func begin(_ continuation: CheckedContinuation<T, any Error>) {
        let early = state.withLock { state -> Result<T, any Error>? in
            if let finished = state.finished { return finished }
            state.continuation = continuation
            return nil
        }
        // Cancelled before it began.
        if let early { continuation.resume(with: early) }
    }

    func track(_ tasks: [Task<Void, Never>]) {
        let done = state.withLock { state in
            if state.finished != nil { return true }
            state.tasks = tasks
            return false
        }
        if done { for task in tasks { task.cancel() } }
    }

    func finish(_ result: Result<T, any Error>) {
        let (continuation, tasks) = state.withLock { state -> (CheckedContinuation<T, any Error>?, [Task<Void, Never>]) in
            guard state.finished == nil else { return (nil, []) }
            state.finished = result
            defer { state.continuation = nil; state.tasks = [] }
            return (state.continuation, state.tasks)
        }
        for task in tasks { task.cancel() }
        continuation?.resume(with: result)
    }
}
