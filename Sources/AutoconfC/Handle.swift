import AutoconfKit
import Dispatch
import Synchronization

/// What `autoconf_t *` points at: one `Autoconf` (its HTTP client, DNS channel and prober are
/// shared by every lookup on the handle) and the asynchronous lookups still running.
final class Handle: Sendable {
    let autoconf: Autoconf
    private let running = Mutex<Requests>(Requests())

    struct Requests {
        var last = 0
        var tasks: [Int: Task<Void, Never>] = [:]
    }

    /// What a lookup gives back to C: the JSON document, or one line.
    enum Outcome: Sendable {
        case json(String)
        case error(String)
    }

    init(options: AutoconfOptions) throws(AutoconfError) {
        autoconf = Autoconf(options: options)
        _ = try autoconf.resolver()  // unknown plugin names are an error now, not at the first lookup
    }

    func lookup(_ email: String) async -> Outcome {
        do {
            let result = try await autoconf.lookup(email)
            return .json(LookupJSON.encode(result))
        } catch {
            return .error(error.description)
        }
    }

    /// Starts `email`'s lookup; `deliver` runs once with its outcome ("lookup cancelled" when
    /// `cancel` came first). Returns the request id.
    func start(_ email: Result<String, CAPIError>, deliver: @escaping @Sendable (Outcome) -> Void) -> Int {
        running.withLock { requests in
            requests.last += 1
            let id = requests.last
            // Made under the lock, so the task is in the table before it can remove itself.
            requests.tasks[id] = Task.detached { [self] in
                let outcome: Outcome
                switch email {
                case .success(let email): outcome = await lookup(email)
                case .failure(let error): outcome = .error(error.message)
                }
                running.withLock { _ = $0.tasks.removeValue(forKey: id) }
                // Checked after leaving the table: a cancel that found the request is seen here.
                deliver(Task.isCancelled ? .error("lookup cancelled") : outcome)
            }
            return id
        }
    }

    /// True when the request was still running (it is cancelled now).
    func cancel(_ id: Int) -> Bool {
        guard let task = running.withLock({ $0.tasks[id] }) else { return false }
        task.cancel()
        return true
    }

    func cancelAll() {
        for task in running.withLock({ Array($0.tasks.values) }) { task.cancel() }
    }
}

/// A bad argument from C: one line for the caller.
struct CAPIError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Runs `body` on Swift's executor and blocks the calling (C) thread until it returns. Only for
/// threads Swift does not own: a C caller's.
func blockingCall<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let box = Mutex<T?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        let value = await body()
        box.withLock { $0 = value }
        done.signal()
    }
    done.wait()
    return box.withLock { $0.take()! }
}
