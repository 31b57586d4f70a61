import AutoconfKit
import Foundation
import Logging
import Synchronization

/// The service's `LookupCacheStore`: an in-process LRU bounded by bytes, in front of an optional
/// PostgreSQL table shared by every instance. Both hold `LookupCache.encodedEntry` bytes, so the
/// CLI cache's rules hold unchanged: only address-independent answers, trust kept, entries
/// validated again when read, anything wrong is a miss.
///
/// The in-process tier also keeps each entry's response body rendered once (`RenderedAnswer`),
/// so a hit for an ordinary address is a dictionary lookup and a splice instead of a JSON decode
/// and encode (`cachedBody`).
final class ServiceCache: LookupCacheStore {
    let memory: MemoryLRU?
    let shared: PostgresCache?
    let codec: LookupCache
    let metrics: ServiceMetrics
    /// The stand-in local part of every rendered answer (random per process).
    let token = LookupJSON.Template.randomToken()

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
                remember(key, data, domain: email.domain, fingerprint: fingerprint)
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
        remember(key, data, domain: result.email.domain, fingerprint: fingerprint)
        await shared?.put(key, domain: result.email.domain, data: data, ttl: codec.ttl)
    }

    /// Into the in-process tier, with the answer rendered once when it can be.
    private func remember(_ key: String, _ data: Data, domain: String, fingerprint: String) {
        guard let memory else { return }
        memory.put(key, data, rendered: RenderedAnswer(data, domain: domain, fingerprint: fingerprint, codec: codec, token: token))
    }

    /// The response body `LookupJSON.encode(cachedResult(…), pretty: false)` would be for `email`
    /// with no real name, from the in-process tier's rendering, or nil (then ask `cachedResult`):
    /// no entry, an expired one, one that could not be rendered, or an address whose local part
    /// is not `RenderedAnswer.fits`. Counts as a memory hit when it answers.
    func cachedBody(for email: EmailAddress, fingerprint: String) -> (body: String, winner: String?)? {
        guard let memory, RenderedAnswer.fits(email.localPart, token: token),
              let rendered = memory.rendered(Self.key(domain: email.domain, fingerprint: fingerprint)),
              codec.isFresh(storedAt: rendered.storedAt)
        else { return nil }
        metrics.cacheLookup(hit: true, tier: "memory")
        return (rendered.template.filled(localPart: email.localPart), rendered.winner)
    }
}

/// A cache entry's answer as the response body for the stand-in address `token@domain`, cut at
/// the token: filled with a user's local part it is byte for byte the body the entry decodes to
/// for that user (`LookupCache.decodeEntry`, then `LookupJSON.encode`) when the local part `fits`.
struct RenderedAnswer: Sendable {
    let template: LookupJSON.Template
    let storedAt: Date
    /// The winning plugin, for the metrics.
    let winner: String?
    /// The rendering's size in bytes, counted against the cache's memory.
    let bytes: Int

    /// nil when the entry does not decode, or its rendering cannot be filled in (see
    /// `LookupJSON.Template`) or does not reproduce the rendering for a second stand-in.
    init?(_ data: Data, domain: String, fingerprint: String, codec: LookupCache, token: String) {
        guard let standIn = try? EmailAddress("\(token)@\(domain)"),
              let (result, storedAt) = codec.decodeStampedEntry(data, for: standIn, fingerprint: fingerprint),
              let template = LookupJSON.Template(result, token: token)
        else { return nil }
        // The same entry for another stand-in, rendered in full, must be the template filled in:
        // anything in the data that the template would not reproduce (a transformed local part)
        // shows up here, and the entry is then always decoded instead.
        let other = LookupJSON.Template.randomToken()
        guard let otherAddress = try? EmailAddress("\(other)@\(domain)"),
              let otherResult = codec.decodeEntry(data, for: otherAddress, fingerprint: fingerprint),
              LookupJSON.encode(otherResult, pretty: false) == template.filled(localPart: other)
        else { return nil }
        self.template = template
        self.storedAt = storedAt
        winner = result.best?.provenance.plugin
        bytes = template.byteCount
    }

    /// Whether a user's local part fills the rendering exactly as decoding would: printable
    /// ASCII that the JSON carries verbatim (no quote, backslash or `%` that a placeholder could
    /// start with), and no longer than the stand-in, so every length check the decoding applies
    /// to the stand-in's usernames (`WireValue`) passes for it too. Others take the decoding path.
    static func fits(_ localPart: String, token: String) -> Bool {
        localPart.utf8.count <= token.utf8.count
            && localPart.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 != UInt8(ascii: "%") }
    }
}

/// Least recently used first out, bounded by the bytes of keys and values (an entry's rendered
/// answer counts with its data).
final class MemoryLRU: Sendable {
    let capacity: Int
    private struct Entry {
        var data: Data
        var rendered: RenderedAnswer?
        var tick: UInt64
        func size(key: String) -> Int { key.utf8.count + data.count + (rendered?.bytes ?? 0) + 64 }
    }
    private struct State {
        var entries: [String: Entry] = [:]
        /// tick → key, oldest first (ticks only grow).
        var order: [UInt64: String] = [:]
        var oldest: UInt64 = 0
        var tick: UInt64 = 0
        var bytes = 0

        /// The entry, now the most recently used.
        mutating func touch(_ key: String) -> Entry? {
            guard var entry = entries[key] else { return nil }
            order.removeValue(forKey: entry.tick)
            tick += 1
            entry.tick = tick
            entries[key] = entry
            order[tick] = key
            return entry
        }

        mutating func remove(_ key: String) {
            if let old = entries.removeValue(forKey: key) {
                order.removeValue(forKey: old.tick)
                bytes -= old.size(key: key)
            }
        }
    }
    private let state = Mutex(State())

    init(capacity: Int) { self.capacity = capacity }

    var bytes: Int { state.withLock { $0.bytes } }
    var count: Int { state.withLock { $0.entries.count } }

    func get(_ key: String) -> Data? {
        state.withLock { $0.touch(key)?.data }
    }

    /// The entry's rendered answer, if it has one.
    func rendered(_ key: String) -> RenderedAnswer? {
        state.withLock { $0.touch(key)?.rendered }
    }

    func put(_ key: String, _ data: Data, rendered: RenderedAnswer? = nil) {
        let entry = Entry(data: data, rendered: rendered, tick: 0)
        let size = entry.size(key: key)
        guard size <= capacity else { return }
        state.withLock { state in
            state.remove(key)
            while state.bytes + size > capacity, !state.entries.isEmpty {
                while state.order[state.oldest] == nil { state.oldest += 1 }
                state.remove(state.order[state.oldest]!)
            }
            state.tick += 1
            var entry = entry
            entry.tick = state.tick
            state.entries[key] = entry
            state.order[state.tick] = key
            state.bytes += size
        }
    }

    func remove(_ key: String) {
        state.withLock { $0.remove(key) }
    }
}
