import CCares
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// One c-ares channel and the thread that drives it. c-ares 1.18 channels are not thread-safe, so
/// every call on the channel (ares_send, ares_process_fd, ares_destroy) happens on this thread;
/// other threads only hand over queries and cancellations through `state` and wake the thread through
/// a pipe. Many queries are in flight at once on the one channel.
///
/// Each query has its own deadline, enforced here rather than by c-ares (whose per-try timeouts
/// and retries go on underneath): when it passes, the waiter gets `.timeout` at once and c-ares'
/// later answer, if any, is dropped.
final class CaresEventLoop: @unchecked Sendable {
    enum Outcome: Sendable {
        /// c-ares finished the query: its status and the raw response (empty when none).
        case response(status: Int32, bytes: [UInt8])
        case timeout
        case cancelled
        case failed(String)
    }

    typealias Completion = @Sendable (Outcome) -> Void

    private struct Entry {
        var query: [UInt8]
        var deadline: ContinuousClock.Instant
        var completion: Completion
        var sent = false
    }

    /// Passed through c-ares as the callback argument; retained until c-ares calls back (it always
    /// does, at the latest with ARES_EDESTRUCTION from ares_destroy).
    private final class Ticket {
        let id: Int
        let loop: CaresEventLoop
        init(id: Int, loop: CaresEventLoop) {
            self.id = id
            self.loop = loop
        }
    }

    /// What other threads share with the loop thread.
    private struct State {
        var entries: [Int: Entry] = [:]
        /// Cancellations that arrived before their query was submitted.
        var cancelledEarly: Set<Int> = []
        var nextID = 1
        var stopping = false
    }

    private let state = Mutex(State())
    // Loop thread only (and init, before the thread starts).
    private var channel: ares_channel?
    private var wakeRead: Int32 = -1
    private var wakeWrite: Int32 = -1

    private static let libraryReady: Int32 = ares_library_init(ARES_LIB_INIT_ALL)

    /// `servers`: c-ares CSV (`1.2.3.4:53,[::1]:5353`), or nil for the system's resolv.conf.
    init(servers: String?, attemptTimeout: Duration, tries: Int) throws(DNSError) {
        guard Self.libraryReady == ARES_SUCCESS else { throw .other("c-ares could not be initialised") }
        var options = ares_options()
        // NOSEARCH: names are always fully qualified, never completed with resolv.conf's search list.
        options.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_EDNS
        options.timeout = Int32(max(50, attemptTimeout.milliseconds))
        options.tries = Int32(max(1, tries))
        options.ednspsz = 1232
        let mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_EDNSPSZ
        var created: ares_channel?
        let rc = ares_init_options(&created, &options, Int32(mask))
        guard rc == ARES_SUCCESS, let created else {
            throw .other("cannot set up the DNS resolver: \(Self.describe(rc))")
        }
        if let servers {
            let set = ares_set_servers_ports_csv(created, servers)
            guard set == ARES_SUCCESS else {
                ares_destroy(created)
                throw .other("invalid DNS server list '\(servers)': \(Self.describe(set))")
            }
        }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            ares_destroy(created)
            throw .other("cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        channel = created
        wakeRead = fds[0]
        wakeWrite = fds[1]
        DetachedThread.start(name: "autoconf-dns") { [self] in run() }
    }

    static func describe(_ status: Int32) -> String {
        guard let text = ares_strerror(status) else { return "c-ares error \(status)" }
        return String(cString: text)
    }

    /// A new query id (ids are never reused, so a late callback can never reach a newer query).
    func makeID() -> Int {
        state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
    }

    /// Hands a wire-format query to the loop; `completion` runs exactly once, on any thread.
    func submit(id: Int, query: [UInt8], deadline: ContinuousClock.Instant, completion: @escaping Completion) {
        // The completion runs outside the lock: it may call back into the loop.
        let refusal: Outcome? = state.withLock { state in
            if state.stopping { return .failed("the DNS resolver was shut down") }
            if state.cancelledEarly.remove(id) != nil { return .cancelled }
            state.entries[id] = Entry(query: query, deadline: deadline, completion: completion)
            return nil
        }
        if let refusal {
            completion(refusal)
            return
        }
        wake()
    }

    /// Ends the wait for a query at once (its c-ares query, if sent, finishes unobserved).
    func cancel(id: Int) {
        let entry = state.withLock { state in
            let entry = state.entries.removeValue(forKey: id)
            if entry == nil { state.cancelledEarly.insert(id) }
            return entry
        }
        entry?.completion(.cancelled)
    }

    /// Stops the thread; it destroys the channel and fails whatever is still waiting.
    func shutdown() {
        state.withLock { $0.stopping = true }
        wake()
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    // MARK: - The loop thread

    private func run() {
        guard let channel else { return }
        var sockets = [ares_socket_t](repeating: ARES_SOCKET_BAD, count: Int(ARES_GETSOCK_MAXNUM))
        while true {
            // Take new work and expired deadlines under the lock; call c-ares outside it, because
            // c-ares may call back synchronously and the callback takes the lock.
            var toSend: [(Int, [UInt8])] = []
            var expired: [Completion] = []
            let now = ContinuousClock.now
            var nearest: ContinuousClock.Instant?
            let stop = state.withLock { state in
                for (id, entry) in state.entries {
                    if entry.deadline <= now {
                        expired.append(entry.completion)
                        state.entries[id] = nil
                        continue
                    }
                    if !entry.sent {
                        toSend.append((id, entry.query))
                        state.entries[id]?.sent = true
                    }
                    nearest = nearest.map { min($0, entry.deadline) } ?? entry.deadline
                }
                return state.stopping
            }
            if stop { break }
            for completion in expired { completion(.timeout) }
            // In the order they were asked (ids grow), so the first question gets the first answer.
            for (id, query) in toSend.sorted(by: { $0.0 < $1.0 }) { send(id: id, query: query, on: channel) }

            // Wait for a DNS socket, the wake pipe, c-ares' own retry timer or the nearest deadline.
            let bits = ares_getsock(channel, &sockets, Int32(sockets.count))
            var polls = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            for index in 0..<sockets.count {
                var events: Int16 = 0
                if bits & (1 << index) != 0 { events |= Int16(POLLIN) }
                if bits & (1 << (index + Int(ARES_GETSOCK_MAXNUM))) != 0 { events |= Int16(POLLOUT) }
                if events != 0 { polls.append(pollfd(fd: sockets[index], events: events, revents: 0)) }
            }
            var waitMilliseconds: Int32 = 1000
            var maximum = timeval(tv_sec: 1, tv_usec: 0)
            var suggested = timeval()
            if let next = ares_timeout(channel, &maximum, &suggested) {
                waitMilliseconds = Int32(next.pointee.tv_sec * 1000 + Int(next.pointee.tv_usec) / 1000)
            }
            if let nearest {
                let untilDeadline = Int32(min(1000, max(0, (nearest - ContinuousClock.now).milliseconds.rounded(.up))))
                waitMilliseconds = min(waitMilliseconds, untilDeadline)
            }
            let ready = poll(&polls, nfds_t(polls.count), max(0, waitMilliseconds))
            if ready < 0 && errno != EINTR { break }
            if polls[0].revents != 0 { drainWakePipe() }
            var processed = false
            for item in polls.dropFirst() where item.revents != 0 {
                let readable = item.revents & Int16(POLLIN | POLLERR | POLLHUP) != 0 ? item.fd : ARES_SOCKET_BAD
                let writable = item.revents & Int16(POLLOUT) != 0 ? item.fd : ARES_SOCKET_BAD
                ares_process_fd(channel, readable, writable)
                processed = true
            }
            // Lets c-ares run its timeouts (retries, next server) when no socket was ready.
            if !processed { ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD) }
        }
        // ares_destroy calls back every query still in c-ares with ARES_EDESTRUCTION.
        ares_destroy(channel)
        self.channel = nil
        let left = state.withLock { state in
            let left = state.entries.values.map(\.completion)
            state.entries.removeAll()
            return left
        }
        for completion in left { completion(.failed("the DNS resolver was shut down")) }
        close(wakeRead)
        close(wakeWrite)
    }

    private func drainWakePipe() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(wakeRead, &buffer, buffer.count) > 0 {}
    }

    private func send(id: Int, query: [UInt8], on channel: ares_channel) {
        let ticket = Unmanaged.passRetained(Ticket(id: id, loop: self)).toOpaque()
        query.withUnsafeBufferPointer { buffer in
            ares_send(channel, buffer.baseAddress, Int32(buffer.count), { argument, status, _, answer, length in
                guard let argument else { return }
                let ticket = Unmanaged<Ticket>.fromOpaque(argument).takeRetainedValue()
                let bytes = answer.map { Array(UnsafeBufferPointer(start: $0, count: Int(max(0, length)))) } ?? []
                ticket.loop.finish(id: ticket.id, status: status, bytes: bytes)
            }, ticket)
        }
    }

    private func finish(id: Int, status: Int32, bytes: [UInt8]) {
        let entry = state.withLock { $0.entries.removeValue(forKey: id) }
        entry?.completion(.response(status: status, bytes: bytes))
    }
}
