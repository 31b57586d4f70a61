import CUnbound
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// One libunbound context and the thread that drives it, built like CaresEventLoop: every call on
/// the context (configuration, ub_resolve_async, ub_process, ub_cancel, ub_ctx_delete) happens on
/// this thread; other threads hand over queries and cancellations through `state` and wake it
/// through a pipe. libunbound resolves and validates on its own background thread (`ub_ctx_async`
/// with threads, never a fork) and hands answers back through `ub_fd`, which this thread polls;
/// `ub_process` then calls back here, on this thread, with each finished query.
///
/// Each query has its own deadline, enforced here: when it passes, the waiter gets `.timeout` at
/// once and the query is cancelled in libunbound (whose callback then never runs).
final class UnboundEventLoop: @unchecked Sendable {
    /// How the context is set up (see UnboundResolver for why each setting).
    struct Configuration: Sendable {
        /// `ADDRESS@PORT` forwarders; empty reads /etc/resolv.conf.
        var forwarders: [String]
        /// A trust-anchor file (DS/DNSKEY lines, unbound's trust-anchor-file); nil: no anchor at all.
        var trustAnchorFile: String?
        var resolvConf = "/etc/resolv.conf"
    }

    /// What libunbound said about one finished query.
    struct Answer: Sendable {
        var rcode: Int32
        var havedata: Bool
        var nxdomain: Bool
        var secure: Bool
        var bogus: Bool
        var whyBogus: String?
        /// The whole answer packet, in wire format.
        var packet: [UInt8]
    }

    enum Outcome: Sendable {
        case answer(Answer)
        case timeout
        case cancelled
        case failed(String)
    }

    typealias Completion = @Sendable (Outcome) -> Void

    private struct Entry {
        var name: String
        var type: Int32
        var deadline: ContinuousClock.Instant
        var completion: Completion
        /// Set once handed to libunbound: its async id and the retained ticket it calls back with.
        var asyncID: Int32?
        /// The ticket's address (an integer, so the entry stays Sendable).
        var ticket: UInt?
    }

    /// Passed through libunbound as the callback's `mydata`, retained until the callback runs, or
    /// released here when the query is cancelled (libunbound then never calls back).
    private final class Ticket {
        let id: Int
        let loop: UnboundEventLoop
        init(id: Int, loop: UnboundEventLoop) {
            self.id = id
            self.loop = loop
        }
    }

    private struct State {
        var entries: [Int: Entry] = [:]
        var cancelled: Set<Int> = []
        var nextID = 1
        var stopping = false
    }

    private let state = Mutex(State())
    private let library: UnboundLibrary
    // Loop thread only (and init, before the thread starts).
    private var context: OpaquePointer?
    private var wakeRead: Int32 = -1
    private var wakeWrite: Int32 = -1

    init(_ configuration: Configuration) throws(DNSError) {
        do throws(LoadedLibrary.LoadError) { library = try UnboundLibrary.load() } catch { throw .other(error.description) }
        guard let created = library.ctxCreate() else { throw .other("cannot create a libunbound context") }
        do throws(DNSError) {
            try Self.configure(created, configuration, library)
        } catch {
            library.ctxDelete(created)
            throw error
        }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            library.ctxDelete(created)
            throw .other("cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        context = created
        wakeRead = fds[0]
        wakeWrite = fds[1]
        DetachedThread.start(name: "autoconf-dnssec") { [self] in run() }
    }

    private static func configure(_ context: OpaquePointer, _ configuration: Configuration, _ library: UnboundLibrary) throws(DNSError) {
        func check(_ rc: Int32, _ what: String) throws(DNSError) {
            if rc != 0 { throw .other("DNSSEC validator: \(what): \(library.describe(rc))") }
        }
        // A thread, not a forked process, resolves in the background.
        try check(library.setAsync(context, 1), "threads")
        // Forwarders on loopback (systemd-resolved's 127.0.0.53, a local dnsmasq) are asked too.
        try check(library.setOption(context, "do-not-query-localhost:", "no"), "do-not-query-localhost")
        if configuration.forwarders.isEmpty && Self.namesAServer(configuration.resolvConf) {
            try check(library.resolvConf(context, configuration.resolvConf), "reading \(configuration.resolvConf)")
        } else if configuration.forwarders.isEmpty {
            // No nameserver line: libunbound would resolve from the root servers itself, past the
            // network's resolver. Use 127.0.0.1, as glibc and c-ares do then.
            try check(library.setForwarder(context, "127.0.0.1"), "forwarder 127.0.0.1")
        } else {
            for forwarder in configuration.forwarders { try check(library.setForwarder(context, forwarder), "forwarder \(forwarder)") }
        }
        if let file = configuration.trustAnchorFile {
            try check(library.addTrustAnchorFile(context, file), "trust anchor \(file)")
        }
        // unbound answers `test.` itself (NXDOMAIN, RFC 6761's default local zone); autoconf leaves
        // it to the resolver, as c-ares does. Last: it finalizes the context's configuration.
        _ = library.zoneRemove(context, "test.")
    }

    /// Whether a resolv.conf names at least one nameserver (libunbound reads the file itself).
    static func namesAServer(_ path: String) -> Bool {
        guard let bytes = FileReading.contents(atPath: path, limit: 1 << 20) else { return false }
        return String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).contains { line in
            line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first == "nameserver"
        }
    }

    func makeID() -> Int {
        state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
    }

    /// Hands a query (name, RR type, class IN) to the loop; `completion` runs exactly once.
    func submit(id: Int, name: String, type: Int32, deadline: ContinuousClock.Instant, completion: @escaping Completion) {
        let refusal: Outcome? = state.withLock { state in
            if state.stopping { return .failed("the DNS resolver was shut down") }
            if state.cancelled.remove(id) != nil { return .cancelled }
            state.entries[id] = Entry(name: name, type: type, deadline: deadline, completion: completion)
            return nil
        }
        if let refusal {
            completion(refusal)
            return
        }
        wake()
    }

    /// Ends the wait for a query at once; the loop cancels it in libunbound.
    func cancel(id: Int) {
        let completion: Completion? = state.withLock { state in
            guard var entry = state.entries[id] else {
                state.cancelled.insert(id)
                return nil
            }
            let completion = entry.completion
            // The loop still owns the libunbound side: it cancels and releases the ticket.
            entry.completion = { _ in }
            entry.deadline = .now
            state.entries[id] = entry
            return completion
        }
        completion?(.cancelled)
        wake()
    }

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
        guard let context else { return }
        let fd = library.fd(context)
        while true {
            var toSend: [(Int, String, Int32)] = []
            var expired: [(Entry)] = []
            let now = ContinuousClock.now
            var nearest: ContinuousClock.Instant?
            let stop = state.withLock { state in
                for (id, entry) in state.entries {
                    if entry.deadline <= now {
                        expired.append(entry)
                        state.entries[id] = nil
                        continue
                    }
                    if entry.asyncID == nil && entry.ticket == nil { toSend.append((id, entry.name, entry.type)) }
                    nearest = nearest.map { min($0, entry.deadline) } ?? entry.deadline
                }
                return state.stopping
            }
            if stop { break }
            for entry in expired {
                if let asyncID = entry.asyncID, library.cancel(context, asyncID) == 0, let ticket = entry.ticket {
                    Self.release(ticket)
                }
                entry.completion(.timeout)
            }
            for (id, name, type) in toSend.sorted(by: { $0.0 < $1.0 }) { send(id: id, name: name, type: type, on: context) }

            var polls = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            if fd >= 0 { polls.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            var waitMilliseconds: Int32 = 1000
            if let nearest {
                waitMilliseconds = Int32(min(1000, max(0, (nearest - ContinuousClock.now).milliseconds.rounded(.up))))
            }
            let ready = poll(&polls, nfds_t(polls.count), waitMilliseconds)
            if ready < 0 && errno != EINTR { break }
            if polls[0].revents != 0 { drainWakePipe() }
            if polls.count > 1 && polls[1].revents != 0 { _ = library.process(context) }
        }
        // Queries still in libunbound never call back once the context is gone: release their tickets.
        let left = state.withLock { state in
            let left = Array(state.entries.values)
            state.entries.removeAll()
            return left
        }
        library.ctxDelete(context)
        self.context = nil
        for entry in left {
            if let ticket = entry.ticket { Self.release(ticket) }
            entry.completion(.failed("the DNS resolver was shut down"))
        }
        close(wakeRead)
        close(wakeWrite)
    }

    private func drainWakePipe() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(wakeRead, &buffer, buffer.count) > 0 {}
    }

    private func send(id: Int, name: String, type: Int32, on context: OpaquePointer) {
        let ticket = Unmanaged.passRetained(Ticket(id: id, loop: self)).toOpaque()
        let address = UInt(bitPattern: ticket)
        var asyncID: Int32 = 0
        let rc = library.resolveAsync(context, name, type, 1, ticket, { mydata, error, result in
            guard let mydata else { return }
            let ticket = Unmanaged<Ticket>.fromOpaque(mydata).takeRetainedValue()
            ticket.loop.finish(id: ticket.id, error: error, result: result)
        }, &asyncID)
        if rc != 0 {
            Unmanaged<Ticket>.fromOpaque(ticket).release()
            let entry = state.withLock { $0.entries.removeValue(forKey: id) }
            entry?.completion(.failed("DNSSEC validator: \(library.describe(rc))"))
            return
        }
        state.withLock { state in
            state.entries[id]?.asyncID = asyncID
            state.entries[id]?.ticket = address
        }
    }

    private static func release(_ ticket: UInt) {
        if let pointer = UnsafeMutableRawPointer(bitPattern: ticket) { Unmanaged<Ticket>.fromOpaque(pointer).release() }
    }

    private func finish(id: Int, error: Int32, result: UnsafeMutablePointer<ub_result>?) {
        defer { if let result { library.resolveFree(result) } }
        let entry = state.withLock { $0.entries.removeValue(forKey: id) }
        guard let entry else { return }
        guard error == 0, let result else {
            entry.completion(.failed("DNSSEC validator: \(library.describe(error))"))
            return
        }
        let value = result.pointee
        let packet = value.answer_packet.map { Array(UnsafeRawBufferPointer(start: $0, count: Int(max(0, value.answer_len)))) } ?? []
        entry.completion(.answer(Answer(
            rcode: value.rcode, havedata: value.havedata != 0, nxdomain: value.nxdomain != 0, secure: value.secure != 0,
            bogus: value.bogus != 0, whyBogus: value.why_bogus.map { String(cString: $0) }, packet: packet)))
    }
}
