import Synchronization

/// A value made once, on a thread of its own, for work that blocks in C (dlopen, reading CA
/// stores): `start()` begins it without waiting, and `value()` suspends — never blocks — a task
/// until it is there. Starting it early (the resolver does so when a lookup will touch the network)
/// overlaps the work with the first DNS round trip instead of putting it in front of the first
/// request, and no cooperative thread ever waits on a lock while it runs.
final class BackgroundValue<Value: Sendable>: Sendable {
    private enum State {
        case idle
        /// The waiting tasks, by ticket (a cancelled one is taken out).
        case making([Int: CheckedContinuation<Value?, Never>])
        case made(Value)
    }

    private struct Table {
        var state = State.idle
        var nextTicket = 0
    }

    private let name: String
    private let make: @Sendable () -> Value
    private let table = Mutex(Table())

    init(name: String, _ make: @escaping @Sendable () -> Value) {
        self.name = name
        self.make = make
    }

    /// Begins making the value unless that has begun; returns at once.
    func start() {
        let first = table.withLock { table -> Bool in
            guard case .idle = table.state else { return false }
            table.state = .making([:])
            return true
        }
        if first { DetachedThread.start(name: name) { self.finish(self.make()) } }
    }

    /// The value, once made (starting it if nobody has).
    func value() async -> Value {
        if let made = madeValue { return made }
        start()
        let ticket = table.withLock { table in
            table.nextTicket += 1
            return table.nextTicket
        }
        // Never resumed with nil: only a cancellation handler does that, and there is none here.
        return await wait(ticket)!
    }

    /// The value, or nil as soon as the calling task is cancelled (the making goes on for the
    /// others): for a waiter that a race may give up on, which must not hold its task group.
    func valueUnlessCancelled() async -> Value? {
        if let made = madeValue { return made }
        start()
        let ticket = table.withLock { table in
            table.nextTicket += 1
            return table.nextTicket
        }
        return await withTaskCancellationHandler {
            await wait(ticket, cancellable: true)
        } onCancel: {
            let waiter = table.withLock { table -> CheckedContinuation<Value?, Never>? in
                guard case .making(var waiting) = table.state, let waiter = waiting.removeValue(forKey: ticket) else { return nil }
                table.state = .making(waiting)
                return waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    private func wait(_ ticket: Int, cancellable: Bool = false) async -> Value? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
            let ready = table.withLock { table -> Value?? in
                switch table.state {
                case .made(let value): return .some(value)
                case .making(var waiting):
                    // Cancelled before it got here: the handler found nothing to resume.
                    if cancellable && Task.isCancelled { return .some(nil) }
                    waiting[ticket] = continuation
                    table.state = .making(waiting)
                    return nil
                case .idle:
                    preconditionFailure("started before waiting")
                }
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// The value if it is already made.
    var madeValue: Value? {
        table.withLock { table in
            if case .made(let value) = table.state { return value }
            return nil
        }
    }

    private func finish(_ value: Value) {
        let waiting = table.withLock { table -> [CheckedContinuation<Value?, Never>] in
            guard case .making(let waiting) = table.state else { return [] }
            table.state = .made(value)
            return Array(waiting.values)
        }
        for continuation in waiting { continuation.resume(returning: value) }
    }
}
