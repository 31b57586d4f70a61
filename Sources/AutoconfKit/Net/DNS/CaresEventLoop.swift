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
/// other threads only hand over queries and cancellations through `pending` (the bookkeeping
/// shared with UnboundEventLoop). Many queries are in flight at once on the one channel; each
/// query's deadline is enforced there, while c-ares' per-try timeouts and retries go on underneath.
final class CaresEventLoop: @unchecked Sendable {
    /// What c-ares said about one finished query: its status and the raw response (empty when none).
    struct Response: Sendable {
        var status: Int32
        var bytes: [UInt8]
    }

    typealias Queries = PendingDNSQueries<[UInt8], Never, Response>
    typealias Outcome = Queries.Outcome

    private let pending: Queries
    // Loop thread only (and init, before the thread starts).
    private var channel: ares_channel?

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
        do throws(DNSError) { pending = try Queries() } catch {
            ares_destroy(created)
            throw error
        }
        channel = created
        DetachedThread.start(name: "autoconf-dns") { [self] in run() }
    }

    static func describe(_ status: Int32) -> String {
        guard let text = ares_strerror(status) else { return "c-ares error \(status)" }
        return String(cString: text)
    }

    /// Sends a wire-format query and waits for its outcome (or its deadline, or cancellation).
    func ask(_ query: [UInt8], deadline: ContinuousClock.Instant) async -> Outcome {
        await pending.ask(query, deadline: deadline)
    }

    /// Stops the thread; it destroys the channel and fails whatever is still waiting.
    func shutdown() { pending.shutdown() }

    // MARK: - The loop thread

    private func run() {
        guard let channel else { return }
        var sockets = [ares_socket_t](repeating: ARES_SOCKET_BAD, count: Int(ARES_GETSOCK_MAXNUM))
        pending.run(
            send: { id, query in
                send(id: id, query: query, on: channel)
                return .success(nil)
            },
            // c-ares cannot forget one query; its late answer finds the entry gone.
            expire: { _ in },
            sockets: {
                // c-ares' own sockets and its retry timer.
                let bits = ares_getsock(channel, &sockets, Int32(sockets.count))
                var polls: [pollfd] = []
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
                return (polls, waitMilliseconds)
            },
            process: { polls in
                var processed = false
                for item in polls where item.revents != 0 {
                    let readable = item.revents & Int16(POLLIN | POLLERR | POLLHUP) != 0 ? item.fd : ARES_SOCKET_BAD
                    let writable = item.revents & Int16(POLLOUT) != 0 ? item.fd : ARES_SOCKET_BAD
                    ares_process_fd(channel, readable, writable)
                    processed = true
                }
                // Lets c-ares run its timeouts (retries, next server) when no socket was ready.
                if !processed { ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD) }
            },
            // ares_destroy calls back every query still in c-ares with ARES_EDESTRUCTION.
            teardown: {
                ares_destroy(channel)
                self.channel = nil
            })
    }

    private func send(id: Int, query: [UInt8], on channel: ares_channel) {
        let ticket = LoopTicket.retained(id: id, loop: self)
        query.withUnsafeBufferPointer { buffer in
            ares_send(channel, buffer.baseAddress, Int32(buffer.count), { argument, status, _, answer, length in
                guard let argument else { return }
                let ticket = LoopTicket<CaresEventLoop>.take(argument)
                let bytes = answer.map { Array(UnsafeBufferPointer(start: $0, count: Int(max(0, length)))) } ?? []
                ticket.loop.pending.finish(id: ticket.id, .response(Response(status: status, bytes: bytes)))
            }, ticket)
        }
    }
}
