/// Where `Autoconf.lookup` keeps answers when `AutoconfOptions.cache` is on: the per-user files
/// of `LookupCache` by default, or a front end's own store (`AutoconfOptions.cacheStore`, e.g. the
/// service's in-memory and PostgreSQL caches). A store must keep `LookupCache`'s rules, which
/// `LookupCache.encodedEntry` and `decodeEntry` implement: only address-independent answers, trust
/// never raised, entries validated as untrusted input, a miss — never an error — when anything is
/// wrong.
public protocol LookupCacheStore: Sendable {
    /// A fresh answer for `email` made with options of this `fingerprint`, or nil.
    func cachedResult(for email: EmailAddress, fingerprint: String, realName: String?) async -> LookupResult?
    /// Keeps `result` when it may be cached; failures are ignored (the cache is an optimisation).
    func keep(_ result: LookupResult, fingerprint: String) async
}

extension LookupCache: LookupCacheStore {
    /// `LookupCacheStore`: a fresh entry from the file for `email`'s domain, as a result.
    public func cachedResult(for email: EmailAddress, fingerprint: String, realName: String?) async -> LookupResult? {
        load(for: email, fingerprint: fingerprint, realName: realName)
    }

    /// `LookupCacheStore`: writes `result` to its domain's file when it may be cached.
    public func keep(_ result: LookupResult, fingerprint: String) async {
        store(result, fingerprint: fingerprint)
    }
}
