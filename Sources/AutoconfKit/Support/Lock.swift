#if canImport(Glibc)
import Glibc
#endif

/// A pthread mutex with NSLock's `lock()` / `unlock()` / `withLock` shape. New code keeps its
/// state inside a `Synchronization.Mutex`; this is for the loops whose lock/unlock pairs wrap
/// hand-over code between calls into C (CurlMultiLoop, CurlMailSession), where NSLock was — and
/// NSLock comes only with full Foundation (ICU's data included: megabytes, slower starts).
final class Lock: @unchecked Sendable {
    // Heap-allocated: a pthread mutex must not move.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init() {
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }

    func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        lock()
        defer { unlock() }
        return try body()
    }
}
