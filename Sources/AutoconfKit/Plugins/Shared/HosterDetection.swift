/// Shared rules for "this domain's mail is hosted by a known provider" answers (Gmail, Office365
/// and the MX plugin's known-hoster step): how far to trust them and how to record where they
/// came from.
enum HosterDetection {
    /// An MX pointing at a known hoster says where the mail goes, not how clients should connect;
    /// the hoster's published settings are used. Unsigned DNS can be forged, so the result is only
    /// trusted when the MX answer was DNSSEC-authenticated; otherwise it is `confirm`, and
    /// `cross-domain` when the hoster is another registrable domain than the address's (RFC 7817).
    static func trust(mxAuthenticated: Bool, domain: String, mx: BestMX) -> Trust {
        if mxAuthenticated { return .trusted }
        let trust = Trust.confirm(.unsignedDNS, .heuristic)
        return isForeign(mx, domain: domain) ? trust.adding(.crossDomain) : trust
    }

    /// Whether the best MX lies in another registrable domain than the email domain's.
    static func isForeign(_ mx: BestMX, domain: String) -> Bool {
        PublicSuffix.registrableDomain(of: mx.primary) != PublicSuffix.registrableDomain(of: domain)
    }

    static func provenance(_ context: PluginContext, domain: String, mx: BestMX) -> Provenance {
        context.provenance(
            source: "MX \(domain) → \(mx.primary)", channel: .dns,
            registrableDomains: [PublicSuffix.registrableDomain(of: domain), PublicSuffix.registrableDomain(of: mx.primary)],
            dnssecAuthenticated: mx.authenticated)
    }

    /// The built-in answer for a provider's own consumer domain (gmail.com, outlook.com…).
    static func ownDomainProvenance(_ context: PluginContext, domain: String, provider: String) -> Provenance {
        context.provenance(source: "built-in \(provider) settings for \(domain)", channel: .bundled,
                           registrableDomains: [PublicSuffix.registrableDomain(of: domain)])
    }
}
