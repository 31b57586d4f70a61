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

    /// Google's settings when the best MX is one of Google's inbound servers (a Workspace domain);
    /// asked by the gmail and mx plugins.
    static func googleWorkspace(_ context: PluginContext, domain: String, mx: BestMX) -> Candidate? {
        guard mx.hosts.contains(where: GoogleMail.isGoogleMX) else { return nil }
        return Candidate(configuration: GoogleMail.configuration(for: domain, workspace: true),
                         trust: trust(mxAuthenticated: mx.authenticated, domain: domain, mx: mx), provenance: provenance(context, domain: domain, mx: mx))
    }

    /// Microsoft 365's settings when the best MX is `*.mail.protection.outlook.com`; asked by the
    /// office365 and mx plugins.
    static func microsoft365(_ context: PluginContext, domain: String, mx: BestMX) -> Candidate? {
        guard mx.hosts.contains(where: MicrosoftMail.isMicrosoft365MX) else { return nil }
        return Candidate(configuration: MicrosoftMail.configuration(for: domain, business: true),
                         trust: trust(mxAuthenticated: mx.authenticated, domain: domain, mx: mx), provenance: provenance(context, domain: domain, mx: mx))
    }

    /// The built-in answer for a provider's own consumer domain (gmail.com, outlook.com…): trusted,
    /// as a bundled file is.
    static func ownDomain(_ context: PluginContext, domain: String, provider: String, configuration: EmailConfiguration) -> Candidate {
        Candidate(configuration: configuration, trust: .trusted,
                  provenance: context.provenance(source: "built-in \(provider) settings for \(domain)", channel: .bundled,
                                                 registrableDomains: [PublicSuffix.registrableDomain(of: domain)]))
    }
}
