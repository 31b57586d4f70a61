import Dispatch

/// No thread can be created while a `dlopen` holds the dynamic loader's lock (a new thread's TLS
/// is allocated under it), and loading libcurl or libunbound takes 10–20 ms. The network warm-up
/// makes the threads a lookup needs (getaddrinfo's, c-ares', libunbound's) on a thread of its own
/// while the plugins' first requests already go out; the loads wait here until it has, so none of
/// those threads waits for a load. Open unless a warm-up is making threads: a program that never
/// warms up loads at once.
enum LoaderGate {
    private static let makingThreads = DispatchGroup()

    /// Holds every load until the matching `release()`.
    static func hold() { makingThreads.enter() }

    static func release() { makingThreads.leave() }

    /// Blocks until no warm-up is making threads (making them takes a millisecond or two; the cap
    /// only keeps a mistake from becoming a hang): call on the thread about to load a library.
    static func waitBeforeLoading() { _ = makingThreads.wait(timeout: .now() + .milliseconds(200)) }
}
