import AutoconfKit
import Foundation
import Logging
import Synchronization

/// The service's `LookupCacheStore`: an in-process LRU bounded by bytes, in front of an optional
/// PostgreSQL table shared by every instance. Both hold `LookupCache.encodedEntry` bytes, so the
/// CLI cache's rules hold unchanged: only address-independent answers, trust kept, entries
/// validated again when read, anything wrong is a miss.
final class ServiceCache: LookupCacheStore {
    let memory: MemoryLRU?
    let shared: PostgresCache?
    let codec: LookupCache
    let metrics: ServiceMetrics

    init(memoryBytes: Int, ttl: Duration, shared: PostgresCache?, metrics: ServiceMetrics) {
        memory = memoryBytes > 0 ? MemoryLRU(capacity: memoryBytes) : nil
        self.shared = shared
        // Only its TTL and decoder are used: no file is read or written.
        codec = LookupCache(directory: URL(fileURLWithPath: "/nonexistent/autoconf-serve"), ttl: ttl)
        self.metrics = metrics
    }

    static func key(domain: String, fingerprint: String) -> String { "\(domain)\n\(fingerprint)" }

    func cachedResult(for email: EmailAddress, fingerprint: String, realName: String?) async -> LookupResult? {
        let key = Self.key(domain: email.domain, fingerprint: fingerprint)
        if let data = memory?.get(key) {
            if let result = codec.decodeEntry(data, for: email, fingerprint: fingerprint, realName: realName) {
                metrics.cacheLookup(hit: true, tier: "memory")
                return result
            }
            memory?.remove(key)
        }
        if let shared, let data = await shared.get(key) {
            if let result = codec.decodeEntry(data, for: email, fingerprint: fingerprint, realName: realName) {
                memory?.put(key, data)
                metrics.cacheLookup(hit: true, tier: "postgres")
                return result
            }
        }
        metrics.cacheLookup(hit: false, tier: "none")
        return nil
    }

    func keep(_ result: LookupResult, fingerprint: String) async {
        guard let data = LookupCache.encodedEntry(result, fingerprint: fingerprint) else { return }
        let key = Self.key(domain: result.email.domain, fingerprint: fingerprint)
        memory?.put(key, data)
        await shared?.put(key, domain: result.email.domain, data: data, ttl: codec.ttl)
    }
}

/// Least recently used first out, bounded by the bytes of keys and values.
final class MemoryLRU: Sendable {
    let capacity: Int
    private struct State {
        var entries: [String: (data: Data, tick: UInt64)] = [:]
        /// tick → key, oldest first (ticks only grow).
        var order: [UInt64: String] = [:]
        var oldest: UInt64 = 0
        var tick: UInt64 = 0
        var bytes = 0
    }
    private let state = Mutex(State())

    init(capacity: Int) { self.capacity = capacity }

    var bytes: Int { state.withLock { $0.bytes } }
    var count: Int { state.withLock { $0.entries.count } }

    func get(_ key: String) -> Data? {
        state.withLock { state in
            guard let entry = state.entries[key] else { return nil }
            state.order.removeValue(forKey: entry.tick)
            state.tick += 1
            state.entries[key] = (entry.data, state.tick)
            state.order[state.tick] = key
            return entry.data
        }
    }

    func put(_ key: String, _ data: Data) {
        let size = key.utf8.count + data.count + 64
        guard size <= capacity else { return }
        state.withLock { state in
            if let old = state.entries.removeValue(forKey: key) {
                state.order.removeValue(forKey: old.tick)
                state.bytes -= key.utf8.count + old.data.count + 64
            }
            while state.bytes + size > capacity, !state.entries.isEmpty {
                while state.order[state.oldest] == nil { state.oldest += 1 }
                let victim = state.order.removeValue(forKey: state.oldest)!
                if let entry = state.entries.removeValue(forKey: victim) { state.bytes -= victim.utf8.count + entry.data.count + 64 }
            }
            state.tick += 1
            state.entries[key] = (data, state.tick)
            state.order[state.tick] = key
            state.bytes += size
        }
    }

    func remove(_ key: String) {
        state.withLock { state in
            if let old = state.entries.removeValue(forKey: key) {
                state.order.removeValue(forKey: old.tick)
                state.bytes -= key.utf8.count + old.data.count + 64
            }
        }
    }
}
