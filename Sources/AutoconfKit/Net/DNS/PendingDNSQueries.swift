#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The bookkeeping both C DNS event loops share (CaresEventLoop, UnboundEventLoop): neither
/// c-ares' channel nor libunbound's context may be used from two threads, so each has one thread
/// that makes every call on it, and this table is all other threads touch. Askers put queries in
/// and take cancellations out, under a lock, and wake the thread through a pipe; the thread takes
/// new work and expired deadlines, sends, polls the library's sockets and the pipe, and finishes
/// queries as the library calls back.
///
/// Each query has its own deadline, enforced here rather than by the library: when it passes the
/// asker gets `.timeout` at once and the library's later answer, if any, is dropped. A cancelled
/// query is answered `.cancelled` at once, too; the thread then sees it as expired and lets the
/// library forget it (`expire`). Ids are never reused, so a late callback never reaches a newer
/// query.
final class PendingDNSQueries<Request: Sendable, Handle: Sendable, Response: Sendable>: @unchecked Sendable {
    enum Outcome: Sendable {
        /// The library finished the query.
        case response(Response)
        case timeout
        case cancelled
        case failed(String)
    }

    typealias Completion = @Sendable (Outcome) -> Void

    struct Entry: Sendable {
        let id: Int
        var request: Request
        var deadline: ContinuousClock.Instant
        /// Nil once the asker has been answered (cancelled): the entry only waits for cleanup.
        var completion: Completion?
        var sent = false
        /// What the library handed back when the query was sent (libunbound's async id).
        var handle: Handle?
    }

    private struct State {
        var entries: [Int: Entry] = [:]
        /// Cancellations that arrived before their query was submitted.
        var cancelledEarly: Set<Int> = []
        var nextID = 1
        var stopping = false
    }

    private let state = Mutex(State())
    private let wakeRead: Int32
    private let wakeWrite: Int32

    init() throws(DNSError) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw .other("cannot create a pipe: \(String(cString: strerror(errno)))") }
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        wakeRead = fds[0]
        wakeWrite = fds[1]
    }

    // MARK: - Any thread

    /// Hands `request` to the loop thread and waits for its outcome; task cancellation ends the
    /// wait at once.
    func ask(_ request: Request, deadline: ContinuousClock.Instant) async -> Outcome {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
                submit(id: id, request: request, deadline: deadline) { continuation.resume(returning: $0) }
            }
        } onCancel: {
            cancel(id: id)
        }
    }

    private func submit(id: Int, request: Request, deadline: ContinuousClock.Instant, completion: @escaping Completion) {
        // The completion runs outside the lock: it may call back into the table.
        let refusal: Outcome? = state.withLock { state in
            if state.stopping { return .failed("the DNS resolver was shut down") }
            if state.cancelledEarly.remove(id) != nil { return .cancelled }
            state.entries[id] = Entry(id: id, request: request, deadline: deadline, completion: completion)
            return nil
        }
        if let refusal {
            completion(refusal)
            return
        }
        wake()
    }

    private func cancel(id: Int) {
        let completion: Completion? = state.withLock { state in
            guard var entry = state.entries[id] else {
                state.cancelledEarly.insert(id)
                return nil
            }
            let completion = entry.completion
            entry.completion = nil
            entry.deadline = .now
            state.entries[id] = entry
            return completion
        }
        completion?(.cancelled)
        wake()
    }

    /// Stops the loop thread; it fails whatever is still waiting.
    func shutdown() {
        state.withLock { $0.stopping = true }
        wake()
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    // MARK: - The loop thread

    /// The loop: `send` hands a new query to the library (returning its handle, or the failure);
    /// `expire` makes the library forget a query whose deadline passed or that was cancelled;
    /// `sockets` adds the library's descriptors and how long it wants to wait at most; `process`
    /// lets the library read what `poll` found ready (and run its timers). `finish` is what the
    /// library's callbacks call. When the loop ends, `teardown` destroys the library's state
    /// before the askers still waiting are failed (`left` sees each of them first).
    func run(
        send: (Int, Request) -> Result<Handle?, DNSLoopFailure>,
        expire: (Entry) -> Void,
        sockets: () -> (polls: [pollfd], waitMilliseconds: Int32),
        process: ([pollfd]) -> Void,
        teardown: () -> Void,
        left: (Entry) -> Void = { _ in }
    ) {
        while true {
            let now = ContinuousClock.now
            var toSend: [(Int, Request)] = []
            var expired: [Entry] = []
            var nearest: ContinuousClock.Instant?
            let stop = state.withLock { state in
                for (id, entry) in state.entries {
                    if entry.deadline <= now {
                        expired.append(entry)
                        state.entries[id] = nil
                        continue
                    }
                    if !entry.sent {
                        toSend.append((id, entry.request))
                        state.entries[id]?.sent = true
                    }
                    nearest = nearest.map { min($0, entry.deadline) } ?? entry.deadline
                }
                return state.stopping
            }
            if stop { break }
            for entry in expired {
                expire(entry)
                entry.completion?(.timeout)
            }
            // In the order they were asked (ids grow), so the first question gets the first answer.
            for (id, request) in toSend.sorted(by: { $0.0 < $1.0 }) {
                switch send(id, request) {
                case .success(let handle): state.withLock { $0.entries[id]?.handle = handle }
                case .failure(let failure): finish(id: id, .failed(failure.message))
                }
            }

            let (own, ownWait) = sockets()
            var polls = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)] + own
            var waitMilliseconds = min(1000, max(0, ownWait))
            if let nearest {
                waitMilliseconds = min(waitMilliseconds, Int32(min(1000, max(0, (nearest - ContinuousClock.now).milliseconds.rounded(.up)))))
            }
            let ready = poll(&polls, nfds_t(polls.count), waitMilliseconds)
            if ready < 0 && errno != EINTR { break }
            if polls[0].revents != 0 { drainWakePipe() }
            process(Array(polls.dropFirst()))
        }
        teardown()
        let remaining = state.withLock { state in
            let remaining = Array(state.entries.values)
            state.entries.removeAll()
            state.stopping = true
            return remaining
        }
        for entry in remaining {
            left(entry)
            entry.completion?(.failed("the DNS resolver was shut down"))
        }
        close(wakeRead)
        close(wakeWrite)
    }

    /// A query the library finished (from its callback, on the loop thread). Nothing happens when
    /// the query already timed out or was cancelled.
    func finish(id: Int, _ outcome: Outcome) {
        let entry = state.withLock { $0.entries.removeValue(forKey: id) }
        entry?.completion?(outcome)
    }

    /// Whether the query is still waited for (a callback that finds it gone drops its answer).
    func isPending(id: Int) -> Bool { state.withLock { $0.entries[id] != nil } }

    private func drainWakePipe() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(wakeRead, &buffer, buffer.count) > 0 {}
    }
}

/// Why a library refused to take a query (a one-line message).
struct DNSLoopFailure: Error {
    var message: String
}

/// Passed through a C library as a callback's argument, retained until the library calls back
/// (or, when the library is told to forget the query, released by the loop instead).
final class LoopTicket<Loop: AnyObject> {
    let id: Int
    let loop: Loop

    private init(id: Int, loop: Loop) {
        self.id = id
        self.loop = loop
    }

    /// A retained ticket's address, for the C callback argument.
    static func retained(id: Int, loop: Loop) -> UnsafeMutableRawPointer {
        Unmanaged.passRetained(LoopTicket(id: id, loop: loop)).toOpaque()
    }

    /// In the callback: the ticket, its retain taken back.
    static func take(_ pointer: UnsafeMutableRawPointer) -> LoopTicket {
        Unmanaged<LoopTicket>.fromOpaque(pointer).takeRetainedValue()
    }

    /// When the library will never call back with it.
    static func release(_ pointer: UnsafeMutableRawPointer) {
        Unmanaged<LoopTicket>.fromOpaque(pointer).release()
    }
}
