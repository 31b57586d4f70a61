/// The draft's MX step (§"MX", 3.1–3.4): many domains host their mail elsewhere, and the hoster
/// publishes the settings. From the best-preference MX hostname it derives %MXFULLDOMAIN% and
/// %MXBASEDOMAIN% and asks, in this order:
///
/// 1. `https://autoconfig.%MXFULLDOMAIN%/mail/config-v1.1.xml?emailaddress=…`
/// 2. `https://autoconfig.%MXBASEDOMAIN%/mail/config-v1.1.xml?emailaddress=…`
/// 3. the ISPDB for %MXFULLDOMAIN%
/// 4. the ISPDB for %MXBASEDOMAIN%
///
/// all at once, ranking answers in that order. The URLs are the autoconfig and ISPDB plugins'
/// own (`AutoconfigPlugin.providerURL`, `ISPDBPlugin.url(for:)`), fetched by the same document
/// source and race: redirects are followed under the same rules, an HTML page is refused, and
/// the race stops once no URL still running could beat the best answer. Names equal to the email
/// domain are skipped. An MX pointing at Google or Microsoft 365 answers with their settings
/// directly (`HosterDetection`; works without an HTTP client). Results are `confirm` (unsigned
/// DNS) unless the MX answer was DNSSEC-authenticated.
package struct MXPlugin: ProviderPlugin {
    package let name = "mx"
    package let summary = "the mail hoster named by the domain's MX records (autoconfig and ISPDB of the MX domain)"
    package var authority: AuthorityClass? { .dns }
    package var networkUse: NetworkUse { .dnsRecords }
    /// Asks the ISPDB for the MX domains (the base URL of `--ispdb-url`).
    package let ispdb: ISPDBPlugin
    /// Per-request limit; the lookup deadline applies on top.
    package var requestTimeout: Duration

    package var ispdbBaseURL: String { ispdb.baseURL }

    package init(ispdbBaseURL: String = ISPDBPlugin.defaultBaseURL, requestTimeout: Duration = .seconds(5)) {
        ispdb = ISPDBPlugin(baseURL: ispdbBaseURL, requestTimeout: requestTimeout)
        self.requestTimeout = requestTimeout
    }

    package func lookup(_ query: LookupQuery, context: PluginContext) async throws -> PluginOutcome {
        let domain = query.email.domain
        let mx: BestMX
        switch try await BestMX.lookup(domain, context: context) {
        case .none(let why): return .notFound(why)
        case .noSuchDomain(let why): return .domainDoesNotExist(why)
        case .found(let found): mx = found
        }
        if let known = HosterDetection.googleWorkspace(context, domain: domain, mx: mx) ?? HosterDetection.microsoft365(context, domain: domain, mx: mx) {
            return .found([known])
        }

        let names = MXDomains(mxHost: mx.primary).candidates(excluding: domain)
        guard !names.isEmpty else { return .notFound("the MX \(mx.primary) is inside \(domain) (nothing new to ask)") }
        guard let http = context.services[HTTPClientKey.self] else {
            return .notFound("MX \(mx.primary) is no known hoster, and no HTTP client is available to ask it")
        }
        let ispdbHost = URLHost.of(ispdb.baseURL).map(PublicSuffix.registrableDomain(of:))
        let home = [PublicSuffix.registrableDomain(of: domain), PublicSuffix.registrableDomain(of: mx.primary)]
        let urls = names.map { (url: AutoconfigPlugin.providerURL(domain: $0, email: query.email), scope: DomainScope(home: [PublicSuffix.registrableDomain(of: $0)])) }
            + names.map { (url: ispdb.url(for: $0), scope: DomainScope(home: Set(ispdbHost.map { [$0] } ?? []))) }
        // Unsigned answers are confirm (tier 1), cross-domain too when the hoster is foreign (tier 2).
        let bestTier = mx.authenticated ? 0 : HosterDetection.isForeign(mx, domain: domain) ? 2 : 1
        let sources = urls.enumerated().map { index, entry in
            // The hoster's autoconfig URLs carry the address; the ISPDB's do not.
            let source = ConfigDocumentSource(url: entry.url, subrank: index, scope: entry.scope, requestTimeout: requestTimeout, baseDomains: home,
                                              askedWithAddress: index < names.count)
            return RankedSource(bestTier: bestTier, subrank: index) {
                Self.marked(await source.fetch(http: http, context: context), mx: mx, domain: domain)
            }
        }
        let answers = await SourceRace.run(sources)
        try Task.checkCancellation()
        let outcome = try SourceRace.outcome(answers)
        if case .notFound = outcome { return .notFound("no settings published for the MX domains \(names.joined(separator: ", "))") }
        return outcome
    }

    /// What the MX step adds to a document's own trust: the MX answer chose the URL, so unsigned
    /// DNS makes it `confirm` — and `cross-domain` when the hoster is another registrable domain
    /// than the address's (RFC 7817) —, and the provenance records whether DNSSEC vouched for it.
    static func marked(_ answer: SourceAnswer, mx: BestMX, domain: String) -> SourceAnswer {
        guard case .found(let candidates) = answer else { return answer }
        let foreign = HosterDetection.isForeign(mx, domain: domain)
        return .found(candidates.map { candidate in
            var candidate = candidate
            if !mx.authenticated {
                candidate.trust = candidate.trust.adding(.unsignedDNS)
                if foreign { candidate.trust = candidate.trust.adding(.crossDomain) }
            }
            candidate.provenance.dnssecAuthenticated = mx.authenticated
            return candidate
        })
    }
}
