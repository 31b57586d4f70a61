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

/// One libunbound context and the thread that drives it, built like CaresEventLoop on the same
/// bookkeeping (`PendingDNSQueries`): every call on the context (configuration,
/// ub_resolve_async, ub_process, ub_cancel, ub_ctx_delete) happens on this thread. libunbound
/// resolves and validates on its own background thread (`ub_ctx_async` with threads, never a
/// fork) and hands answers back through `ub_fd`, which this thread polls; `ub_process` then calls
/// back here, on this thread, with each finished query. A query whose deadline passes, or that is
/// cancelled, is cancelled in libunbound too (whose callback then never runs).
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

    /// One question: a name and an RR type (class IN).
    struct Question: Sendable {
        var name: String
        var type: Int32
    }

    /// A query handed to libunbound: its async id and the retained ticket it calls back with (the
    /// ticket's address as an integer, so the handle stays Sendable).
    struct Handle: Sendable {
        var asyncID: Int32
        var ticket: UInt
    }

    typealias Queries = PendingDNSQueries<Question, Handle, Answer>
    typealias Outcome = Queries.Outcome

    private let pending: Queries
    private let library: UnboundLibrary
    // Loop thread only (and init, before the thread starts).
    private var context: OpaquePointer?

    init(_ configuration: Configuration) throws(DNSError) {
        do throws(LoadedLibrary.LoadError) { library = try UnboundLibrary.load() } catch { throw .other(error.description) }
        guard let created = library.ctxCreate() else { throw .other("cannot create a libunbound context") }
        do throws(DNSError) {
            try Self.configure(created, configuration, library)
        } catch {
            library.ctxDelete(created)
            throw error
        }
        do throws(DNSError) { pending = try Queries() } catch {
            library.ctxDelete(created)
            throw error
        }
        context = created
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

    /// Asks libunbound and waits for its verdict (or the deadline, or cancellation).
    func ask(_ question: Question, deadline: ContinuousClock.Instant) async -> Outcome {
        await pending.ask(question, deadline: deadline)
    }

    func shutdown() { pending.shutdown() }

    // MARK: - The loop thread

    private func run() {
        guard let context else { return }
        let fd = library.fd(context)
        pending.run(
            send: { id, question in send(id: id, question: question, on: context) },
            expire: { entry in
                if let handle = entry.handle, library.cancel(context, handle.asyncID) == 0 { Self.release(handle.ticket) }
            },
            sockets: { (fd >= 0 ? [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)] : [], 1000) },
            process: { polls in
                if polls.first?.revents ?? 0 != 0 { _ = library.process(context) }
            },
            teardown: {
                library.ctxDelete(context)
                self.context = nil
            },
            // Queries still in libunbound never call back once the context is gone.
            left: { entry in
                if let handle = entry.handle { Self.release(handle.ticket) }
            })
    }

    private func send(id: Int, question: Question, on context: OpaquePointer) -> Result<Handle?, DNSLoopFailure> {
        let ticket = LoopTicket.retained(id: id, loop: self)
        var asyncID: Int32 = 0
        let rc = library.resolveAsync(context, question.name, question.type, 1, ticket, { mydata, error, result in
            guard let mydata else { return }
            let ticket = LoopTicket<UnboundEventLoop>.take(mydata)
            ticket.loop.finish(id: ticket.id, error: error, result: result)
        }, &asyncID)
        if rc != 0 {
            LoopTicket<UnboundEventLoop>.release(ticket)
            return .failure(DNSLoopFailure(message: "DNSSEC validator: \(library.describe(rc))"))
        }
        return .success(Handle(asyncID: asyncID, ticket: UInt(bitPattern: ticket)))
    }

    private static func release(_ ticket: UInt) {
        if let pointer = UnsafeMutableRawPointer(bitPattern: ticket) { LoopTicket<UnboundEventLoop>.release(pointer) }
    }

    private func finish(id: Int, error: Int32, result: UnsafeMutablePointer<ub_result>?) {
        defer { if let result { library.resolveFree(result) } }
        guard pending.isPending(id: id) else { return }
        guard error == 0, let result else {
            pending.finish(id: id, .failed("DNSSEC validator: \(library.describe(error))"))
            return
        }
        let value = result.pointee
        let packet = value.answer_packet.map { Array(UnsafeRawBufferPointer(start: $0, count: Int(max(0, value.answer_len)))) } ?? []
        pending.finish(id: id, .response(Answer(
            rcode: value.rcode, havedata: value.havedata != 0, nxdomain: value.nxdomain != 0, secure: value.secure != 0,
            bogus: value.bogus != 0, whyBogus: value.why_bogus.map { String(cString: $0) }, packet: packet)))
    }
}
