#if canImport(Glibc)
import Glibc
#endif

/// Runs `body` on a new detached thread of its own (default stack size), as Foundation's
/// `Thread { }.start()` did — Thread exists only in full Foundation, which links ICU's data
/// (megabytes, slower process starts). For work that blocks in C (poll, sockets, OpenSSL), so it
/// never sits on Swift's cooperative threads or Dispatch's limited pool.
package enum DetachedThread {
    private final class Start {
        let name: String
        let body: () -> Void
        init(name: String, body: @escaping () -> Void) {
            self.name = name
            self.body = body
        }
    }

    #if canImport(Glibc)
    /// Glibc's module map leaves pthread_setname_np out (it is a GNU extension): found at run time.
    private typealias SetName = @convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32
    private static let setName: SetName? = dlsym(nil, "pthread_setname_np").map { unsafeBitCast($0, to: SetName.self) }
    #endif

    /// `name` (at most 15 bytes on Linux) shows in `ps -L`, gdb and crash reports.
    static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        let created = tryStart(name: name, body)
        // Foundation's Thread.start said nothing when no thread could be made (the work never ran
        // and its caller waited forever): a trap with the reason is clearer.
        precondition(created == 0, "cannot start the \(name) thread: error \(created)")
    }

    /// As `start`, but returns pthread_create's error (0: started) instead of trapping, for
    /// callers that must never abort their host (the C API).
    @discardableResult
    package static func tryStart(name: String, _ body: @escaping @Sendable () -> Void) -> Int32 {
        let start = Unmanaged.passRetained(Start(name: name, body: body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let created = pthread_create(&thread, &attributes, { argument in
            #if canImport(Glibc)
            let start = Unmanaged<Start>.fromOpaque(argument!).takeRetainedValue()
            _ = DetachedThread.setName?(pthread_self(), start.name)
            #else
            let start = Unmanaged<Start>.fromOpaque(argument).takeRetainedValue()
            _ = pthread_setname_np(start.name)
            #endif
            start.body()
            return nil
        }, start)
        if created != 0 { Unmanaged<Start>.fromOpaque(start).release() }
        return created
    }
}
