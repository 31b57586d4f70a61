import CLibPSL
import Synchronization

/// Registrable domains ("eTLD+1") from libpsl and the public suffix data it was built with
/// (Debian's `publicsuffix` package when installed), never from a hand-written list.
package enum PublicSuffix {
    // psl_builtin() is a static, immutable context owned by libpsl; it is safe to share.
    nonisolated(unsafe) private static let context: OpaquePointer? = {
        if let latest = psl_latest(nil) { return latest }
        return psl_builtin()
    }()

    /// The registrable domain of a lowercase A-label hostname, e.g. `mail.google.com` → `google.com`,
    /// `foo.bar.co.uk` → `bar.co.uk`. A hostname that is itself a public suffix (or unknown) is
    /// returned unchanged.
    package static func registrableDomain(of host: String) -> String {
        let name = host.hasSuffix(".") ? String(host.dropLast()) : host
        guard let context, !name.isEmpty else { return name }
        if let known = recent.withLock({ $0[name] }) { return known }
        let domain = name.withCString { pointer in
            guard let result = psl_registrable_domain(context, pointer) else { return name }
            return String(cString: result)
        }
        recent.withLock { recent in
            if recent.count >= recentLimit { recent.removeAll(keepingCapacity: true) }
            recent[name] = domain
        }
        return domain
    }

    /// The answers for recent names: the same few server names come back for every document
    /// (every JSON line prints each server's registrable domain), and libpsl takes ~10,000
    /// instructions a name (4% of an offline batch). Bounded: emptied when full.
    private static let recent = Mutex<[String: String]>([:])
    private static let recentLimit = 4096

    /// Whether `host` is a public suffix such as `com` or `co.uk`.
    package static func isPublicSuffix(_ host: String) -> Bool {
        guard let context else { return false }
        return psl_is_public_suffix(context, host) != 0
    }

    /// True when both names share a registrable domain.
    package static func sameRegistrableDomain(_ a: String, _ b: String) -> Bool {
        registrableDomain(of: a.lowercased()) == registrableDomain(of: b.lowercased())
    }
}
