/// The two domains draft-ietf-mailmaint-autoconfig derives from the best MX hostname:
/// %MXFULLDOMAIN% (the hostname without its first label: `mx1.mail.hoster.example` →
/// `mail.hoster.example`) and %MXBASEDOMAIN% (its registrable domain, from libpsl:
/// `hoster.example`). A derived name that is a public suffix is never used.
struct MXDomains: Sendable, Equatable {
    var full: String?
    var base: String?

    init(mxHost: String) {
        let host = DNSPluginSupport.normalized(mxHost)
        var full: String?
        if let dot = host.firstIndex(of: ".") {
            let rest = String(host[host.index(after: dot)...])
            if rest.contains("."), !PublicSuffix.isPublicSuffix(rest), Hostname.isValid(rest) { full = rest }
        }
        let base = PublicSuffix.registrableDomain(of: host)
        self.full = full
        self.base = (base != host || full == nil) && base.contains(".") && !PublicSuffix.isPublicSuffix(base) ? base : nil
    }

    /// The distinct names to ask about, full first, skipping the email domain itself (the
    /// autoconfig and ISPDB plugins already ask about it).
    func candidates(excluding emailDomain: String) -> [String] {
        var names: [String] = []
        for name in [full, base].compactMap({ $0 }) where name != emailDomain && !names.contains(name) {
            names.append(name)
        }
        return names
    }
}
