import Synchronization

/// Counts lookups in flight; `enter` fails at the limit (the caller answers 503).
final class ConcurrencyGate: Sendable {
    let limit: Int
    private let count = Mutex(0)
    private let onChange: @Sendable (Int) -> Void

    init(limit: Int, onChange: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.limit = limit
        self.onChange = onChange
    }

    /// A slot, released when the returned object goes away (also when a streamed response's body
    /// is dropped unwritten), or nil at the limit.
    func enter() -> Slot? {
        let entered = count.withLock { count -> Int? in
            guard count < limit else { return nil }
            count += 1
            return count
        }
        guard let entered else { return nil }
        onChange(entered)
        return Slot(gate: self)
    }

    var inFlight: Int { count.withLock { $0 } }

    fileprivate func leave() {
        let now = count.withLock { count in
            count -= 1
            return count
        }
        onChange(now)
    }

    final class Slot: Sendable {
        private let gate: ConcurrencyGate
        fileprivate init(gate: ConcurrencyGate) { self.gate = gate }
        deinit { gate.leave() }
    }
}

/// A token bucket per client: `rate` tokens a second, at most `burst`. At most `maxClients`
/// buckets are kept; when full, buckets that have refilled (idle clients) are dropped first, then
/// the oldest.
final class RateLimiter: Sendable {
    let rate: Double
    let burst: Double
    let maxClients: Int
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }
    private let buckets = Mutex<[String: Bucket]>([:])

    init(rate: Double, burst: Int, maxClients: Int = 10_000) {
        self.rate = rate
        self.burst = Double(burst)
        self.maxClients = maxClients
    }

    /// Whether `client` may make a request now; when not, the seconds until it may.
    func admit(_ client: String, now: ContinuousClock.Instant = .now) -> (allowed: Bool, retryAfter: Int) {
        guard rate > 0 else { return (true, 0) }
        return buckets.withLock { buckets in
            var bucket = buckets[client] ?? Bucket(tokens: burst, updated: now)
            let seconds = Double((now - bucket.updated).components.seconds) + Double((now - bucket.updated).components.attoseconds) / 1e18
            bucket.tokens = min(burst, bucket.tokens + seconds * rate)
            bucket.updated = now
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            if buckets[client] == nil && buckets.count >= maxClients { Self.prune(&buckets, now: now, rate: rate, burst: burst) }
            buckets[client] = bucket
            return (allowed, allowed ? 0 : max(1, Int(((1 - bucket.tokens) / rate).rounded(.up))))
        }
    }

    private static func prune(_ buckets: inout [String: Bucket], now: ContinuousClock.Instant, rate: Double, burst: Double) {
        let full = buckets.filter { _, bucket in
            let idle = now - bucket.updated
            return bucket.tokens + Double(idle.components.seconds) * rate >= burst
        }
        for key in full.keys { buckets.removeValue(forKey: key) }
        if buckets.count >= 1 && full.isEmpty, let oldest = buckets.min(by: { $0.value.updated < $1.value.updated })?.key {
            buckets.removeValue(forKey: oldest)
        }
    }
}
