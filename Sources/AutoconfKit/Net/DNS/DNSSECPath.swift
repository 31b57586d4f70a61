import Synchronization

/// The allow-downgrade decision, made once per resolver set: can the resolvers carry DNSSEC at
/// all? They can when they hand out the trust anchor zone's DNSKEY records (asked once, with the
/// DO bit, through c-ares). When they do not — a resolver that strips DNSSEC, or one that only
/// knows private zones such as `.test` or an intranet's — no chain of trust can be shown through
/// them, and record queries are plain DNS: unsigned, never trusted. This is systemd-resolved's
/// "allow-downgrade": a path that can carry DNSSEC is held to it (forged, stripped or tampered
/// signatures stay bogus), one that cannot is plain DNS.
///
/// The question is asked at the first record query, beside it rather than after a bogus answer,
/// and every later query of the process reads the stored verdict.
final class DNSSECPath: Sendable {
    private enum State {
        case idle
        case asking([Int: CheckedContinuation<Bool?, Never>])
        case known(Bool)
    }

    private struct Table {
        var state = State.idle
        var nextWaiter = 0
    }

    private let table = Mutex(Table())
    private let ask: @Sendable () async -> Bool

    /// `ask`: whether the resolvers serve the anchor zone's DNSKEY records.
    init(ask: @escaping @Sendable () async -> Bool) { self.ask = ask }

    /// The verdict, once it is in (nil before the first `carriesDNSSEC()` has an answer).
    var known: Bool? {
        table.withLock { table in
            if case .known(let verdict) = table.state { return verdict }
            return nil
        }
    }

    /// Whether the resolvers can carry DNSSEC; the first call starts the question. Nil when the
    /// calling task is cancelled before the answer is in (the question goes on for the others).
    func carriesDNSSEC() async -> Bool? {
        if let known { return known }
        let waiter = table.withLock { table in
            table.nextWaiter += 1
            return table.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool?, Never>) in
                enum Next { case resume(Bool?), wait, start(resumeNow: Bool) }
                let next = table.withLock { table -> Next in
                    switch table.state {
                    case .known(let verdict): return .resume(verdict)
                    case .asking(var waiters):
                        // Cancelled before it got here: the handler found nothing to resume.
                        if Task.isCancelled { return .resume(nil) }
                        waiters[waiter] = continuation
                        table.state = .asking(waiters)
                        return .wait
                    case .idle:
                        // Asked even when this caller is already cancelled: the others need it.
                        let cancelled = Task.isCancelled
                        table.state = .asking(cancelled ? [:] : [waiter: continuation])
                        return .start(resumeNow: cancelled)
                    }
                }
                switch next {
                case .resume(let verdict): continuation.resume(returning: verdict)
                case .wait: break
                case .start(let resumeNow):
                    start()
                    if resumeNow { continuation.resume(returning: nil) }
                }
            }
        } onCancel: {
            let continuation = table.withLock { table -> CheckedContinuation<Bool?, Never>? in
                guard case .asking(var waiters) = table.state, let continuation = waiters.removeValue(forKey: waiter) else { return nil }
                table.state = .asking(waiters)
                return continuation
            }
            continuation?.resume(returning: nil)
        }
    }

    /// The question runs in a task of its own, with no lookup's deadline: its verdict serves every
    /// lookup of the process, so one lookup's short `--timeout` must not decide it for the others.
    private func start() {
        let ask = self.ask
        Task {
            let verdict = await DNSDeadline.$current.withValue(nil) { await ask() }
            let waiters = table.withLock { table -> [CheckedContinuation<Bool?, Never>] in
                guard case .asking(let waiters) = table.state else { return [] }
                table.state = .known(verdict)
                return Array(waiters.values)
            }
            for waiter in waiters { waiter.resume(returning: verdict) }
        }
    }
}
