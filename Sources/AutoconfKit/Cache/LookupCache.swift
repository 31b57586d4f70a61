#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Lookup answers on disk, one JSON file per domain (`$XDG_CACHE_HOME/autoconf/DOMAIN.json`).
///
/// - Entries carry a format version, the time they were stored and a fingerprint of the options
///   that shape an answer (sources, offline, provider directories…); any mismatch, an expired
///   entry or a file that does not decode is a miss — never an error — and is overwritten by the
///   next store.
/// - Writes go to a temporary file in the same directory and are renamed into place, so
///   concurrent runs only ever see a whole old or a whole new file.
/// - Candidates keep their trust exactly: the cache never raises it. Their provenance channel
///   becomes `cache`, the original source string is kept.
/// - Only address-independent answers are stored (`AddressTemplating.independent`), with
///   usernames as placeholders: the file names no user.
/// - The file is untrusted input: read with a size cap, every server validated as a plugin's.
public struct LookupCache: Sendable {
    /// The version written into every entry; entries of another version are misses.
    public static let formatVersion = 1
    /// How long an entry is used unless told otherwise: one day.
    public static let defaultTTL: Duration = .seconds(24 * 3600)
    /// Larger files are not read (a cache entry is a few KiB).
    static let maximumFileSize = 4 << 20

    /// The directory holding one file per domain and option fingerprint.
    public let directory: URL
    /// Entries older than this are misses.
    public var ttl: Duration

    /// A cache in `directory` (created on first store).
    public init(directory: URL, ttl: Duration = LookupCache.defaultTTL) {
        self.directory = directory
        self.ttl = ttl
    }

    /// `$XDG_CACHE_HOME/autoconf`, else `$HOME/.cache/autoconf`.
    public static func defaultDirectory(environment: [String: String]) -> URL? {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("autoconf")
        }
        guard let home = environment["HOME"], home.hasPrefix("/") else { return nil }
        return URL(fileURLWithPath: home).appendingPathComponent(".cache/autoconf")
    }

    struct Entry: Codable {
        var formatVersion: Int
        var domain: String
        var fingerprint: String
        var storedAt: Date
        var candidates: [Candidate]
        var unsupported: UnsupportedProvider?
    }

    /// The file for a domain. Domains are validated A-label hostnames, so they are safe file names.
    func file(for domain: String) -> URL? {
        guard Hostname.isValid(domain), !domain.hasPrefix(".") else { return nil }
        return directory.appendingPathComponent("\(domain.lowercased()).json")
    }

    /// A fresh entry for `email`'s domain as a result for `email`, or nil.
    public func load(for email: EmailAddress, fingerprint: String, realName: String? = nil, now: Date = Date()) -> LookupResult? {
        guard let file = file(for: email.domain),
              let bytes = FileReading.contents(atPath: file.path, limit: Self.maximumFileSize)
        else { return nil }
        return decodeEntry(Data(bytes), for: email, fingerprint: fingerprint, realName: realName, now: now)
    }

    /// A cache file's bytes as a result for `email`, or nil (the fuzz target `cache-file` feeds it).
    @_spi(Fuzzing) public func result(fromFile bytes: [UInt8], for email: EmailAddress, fingerprint: String, realName: String? = nil, now: Date = Date()) -> LookupResult? {
        decodeEntry(Data(bytes), for: email, fingerprint: fingerprint, realName: realName, now: now)
    }

    /// An entry's bytes (as `encodedEntry` made them, from any store: a file, a shared database)
    /// as a result for `email`, or nil when they do not decode, are for another domain or other
    /// options, or are older than `ttl`. The bytes are untrusted input: every server is validated.
    public func decodeEntry(_ data: Data, for email: EmailAddress, fingerprint: String, realName: String? = nil, now: Date = Date()) -> LookupResult? {
        decodeStampedEntry(data, for: email, fingerprint: fingerprint, realName: realName, now: now)?.result
    }

    /// Whether an entry stored at `storedAt` is still used at `now`.
    package func isFresh(storedAt: Date, now: Date = Date()) -> Bool {
        let age = now.timeIntervalSince(storedAt)
        // A date in the future (clock change, edited file) counts as stale, too.
        return age >= -60 && age < ttl.seconds
    }

    /// `decodeEntry` with the time the entry was stored (a front end that keeps the rendered
    /// answer checks `isFresh` itself on each use).
    package func decodeStampedEntry(_ data: Data, for email: EmailAddress, fingerprint: String, realName: String? = nil, now: Date = Date()) -> (result: LookupResult, storedAt: Date)? {
        guard data.count <= Self.maximumFileSize else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        guard let entry = try? decoder.decode(Entry.self, from: data),
              entry.formatVersion == Self.formatVersion, entry.domain == email.domain, entry.fingerprint == fingerprint
        else { return nil }
        guard isFresh(storedAt: entry.storedAt, now: now) else { return nil }
        let candidates = entry.candidates.compactMap { stored -> Candidate? in
            var candidate = AddressTemplating.specialize(stored, to: email, realName: realName)
            // The file is input like any other: servers that fail validation are dropped.
            // Same validators as the engine applies to every plugin's answer.
            candidate.configuration.incoming = candidate.configuration.incoming.filter(CandidateSanitizer.isValid)
            candidate.configuration.outgoing = candidate.configuration.outgoing.filter(CandidateSanitizer.isValid)
            guard candidate.configuration.isUsable else { return nil }
            candidate.provenance.channel = .cache
            return candidate
        }
        guard !candidates.isEmpty || entry.unsupported != nil else { return nil }
        let result = LookupResult(
            email: email, candidates: candidates, unsupported: entry.unsupported,
            reports: [PluginReport(plugin: "cache", rank: 0, status: .found, candidates: candidates.count, failure: nil, elapsedMilliseconds: 0)],
            elapsedMilliseconds: 0, deadlineReached: false)
        return (result, entry.storedAt)
    }

    /// Stores a result that found something (not-found and network failures are not cached: the
    /// next run should try again). Failures to write are ignored: the cache is an optimisation.
    public func store(_ result: LookupResult, fingerprint: String, now: Date = Date()) {
        guard let file = file(for: result.email.domain), let data = Self.encodedEntry(result, fingerprint: fingerprint, now: now) else { return }
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = directory.appendingPathComponent(".\(file.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o600]) else { return }
        if rename(temporary.path, file.path) != 0 { try? FileManager.default.removeItem(at: temporary) }
    }

    /// The entry `store` would write for `result`, or nil when the result must not be cached (not
    /// found, from a provider file, or per user: see `store`).
    public static func encodedEntry(_ result: LookupResult, fingerprint: String, now: Date = Date()) -> Data? {
        guard result.found || result.unsupported != nil, Hostname.isValid(result.email.domain) else { return nil }
        // Answers from provider files are instant and may be edited at any time: not cached.
        if let best = result.best, [.bundled, .userFile, .manual, .cache].contains(best.provenance.channel) { return nil }
        if result.best == nil, let unsupported = result.unsupported, ["bundled", "user-files"].contains(unsupported.plugin) { return nil }
        // Only answers that provably do not depend on the address are stored (so the file names no
        // user and never hands one user's answer to another); per-user answers are not cached.
        guard let generalized = AddressTemplating.independent(result) else { return nil }
        let entry = Entry(
            formatVersion: Self.formatVersion, domain: result.email.domain, fingerprint: fingerprint, storedAt: now,
            candidates: generalized, unsupported: result.unsupported)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        return try? encoder.encode(entry)
    }

    /// Deletes the entry for a domain (if any).
    public func remove(domain: String) {
        if let file = file(for: domain) { try? FileManager.default.removeItem(at: file) }
    }

}

extension Duration {
    var seconds: Double { milliseconds / 1000 }
}
