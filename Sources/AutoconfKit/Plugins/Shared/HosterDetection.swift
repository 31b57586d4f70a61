/// Shared rules for "this domain's mail is hosted by a known provider" answers (Gmail, Office365
/// and the MX plugin's known-hoster step): how far to trust them and how to record where they
/// came from.
enum HosterDetection {
    /// An MX pointing at a known hoster says where the mail goes, not how clients should connect;
    /// the hoster's published settings are used. Unsigned DNS can be forged, so the result is only
    /// trusted when the resolver authenticated the MX answer (DNSSEC).
    static func trust(mxAuthenticated: Bool) -> Trust {
        mxAuthenticated ? .trusted : .confirm(.unsignedDNS, .heuristic)
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
                         trust: trust(mxAuthenticated: mx.authenticated), provenance: provenance(context, domain: domain, mx: mx))
    }

    /// Microsoft 365's settings when the best MX is `*.mail.protection.outlook.com`; asked by the
    /// office365 and mx plugins.
    static func microsoft365(_ context: PluginContext, domain: String, mx: BestMX) -> Candidate? {
        guard mx.hosts.contains(where: MicrosoftMail.isMicrosoft365MX) else { return nil }
        return Candidate(configuration: MicrosoftMail.configuration(for: domain, business: true),
                         trust: trust(mxAuthenticated: mx.authenticated), provenance: provenance(context, domain: domain, mx: mx))
    }

    /// The built-in answer for a provider's own consumer domain (gmail.com, outlook.com…): trusted,
    /// as a bundled file is.
    static func ownDomain(_ context: PluginContext, domain: String, provider: String, configuration: EmailConfiguration) -> Candidate {
        Candidate(configuration: configuration, trust: .trusted,
                  provenance: context.provenance(source: "built-in \(provider) settings for \(domain)", channel: .bundled,
                                                 registrableDomains: [PublicSuffix.registrableDomain(of: domain)]))
    }
}
