import Synchronization

/// A value made once, on a thread of its own, for work that blocks in C (dlopen, reading CA
/// stores): `start()` begins it without waiting, and `value()` suspends — never blocks — a task
/// until it is there. Starting it early (the resolver does so when a lookup will touch the network)
/// overlaps the work with the first DNS round trip instead of putting it in front of the first
/// request, and no cooperative thread ever waits on a lock while it runs.
final class BackgroundValue<Value: Sendable>: Sendable {
    private enum State {
        case idle
        case making([CheckedContinuation<Value, Never>])
        case made(Value)
    }

    private let name: String
    private let make: @Sendable () -> Value
    private let state = Mutex<State>(.idle)

    init(name: String, _ make: @escaping @Sendable () -> Value) {
        self.name = name
        self.make = make
    }

    /// Begins making the value unless that has begun; returns at once.
    func start() {
        let first = state.withLock { state -> Bool in
            guard case .idle = state else { return false }
            state = .making([])
            return true
        }
        if first { DetachedThread.start(name: name) { self.finish(self.make()) } }
    }

    /// The value, once made (starting it if nobody has).
    func value() async -> Value {
        if case .made(let value) = state.withLock({ $0 }) { return value }
        start()
        return await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Value? in
                switch state {
                case .made(let value): return value
                case .making(var waiting):
                    waiting.append(continuation)
                    state = .making(waiting)
                    return nil
                case .idle:
                    preconditionFailure("started above")
                }
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// The value if it is already made.
    var madeValue: Value? {
        if case .made(let value) = state.withLock({ $0 }) { return value }
        return nil
    }

    private func finish(_ value: Value) {
        let waiting = state.withLock { state -> [CheckedContinuation<Value, Never>] in
            guard case .making(let waiting) = state else { return [] }
            state = .made(value)
            return waiting
        }
        for continuation in waiting { continuation.resume(returning: value) }
    }
}
