/// The mail provider's own autoconfig (draft-ietf-mailmaint-autoconfig §"Mail provider"), three
/// URLs asked at once:
///
/// 1. `https://autoconfig.DOMAIN/mail/config-v1.1.xml?emailaddress=ADDRESS`
/// 2. `https://DOMAIN/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=ADDRESS` (as the
///    draft and Thunderbird ask it; automx2 answers 400 without the address)
/// 3. `http://autoconfig.DOMAIN/mail/config-v1.1.xml` (no address: it would travel in clear text;
///    results are `confirm (plain-http)`; `--https-only` drops it)
///
/// Earlier URLs rank higher (subrank), so HTTPS beats HTTP even when it answers later.
package struct AutoconfigPlugin: ProviderPlugin {
    package let name = "autoconfig"
    package let summary = "the provider's autoconfig (autoconfig.DOMAIN, DOMAIN/.well-known, then plain HTTP)"
    package var authority: AuthorityClass? { .domain }
    package var networkUse: NetworkUse { .hostsByName }
    package var requestTimeout: Duration

    package init(requestTimeout: Duration = .seconds(5)) {
        self.requestTimeout = requestTimeout
    }

    /// The URLs asked for `email`, in rank order.
    package static func urls(for email: EmailAddress, httpsOnly: Bool) -> [String] {
        let domain = email.domain
        var urls = [
            providerURL(domain: domain, email: email),
            "https://\(domain)/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=\(URLEncoding.component(email.address))",
        ]
        if !httpsOnly { urls.append("http://autoconfig.\(domain)/mail/config-v1.1.xml") }
        return urls
    }

    /// `https://autoconfig.DOMAIN/mail/config-v1.1.xml?emailaddress=ADDRESS`, the address encoded
    /// (`@` as %40, `+` as %2B) so no address can change the URL; the MX plugin asks it for the
    /// MX domains.
    package static func providerURL(domain: String, email: EmailAddress) -> String {
        "https://autoconfig.\(domain)/mail/config-v1.1.xml?emailaddress=\(URLEncoding.component(email.address))"
    }

    package func lookup(_ query: LookupQuery, context: PluginContext) async throws -> PluginOutcome {
        guard let http = context.services[HTTPClientKey.self] else { throw PluginFailure(.configuration, "no HTTP client configured") }
        let domain = query.email.domain
        if let why = DomainScope.derivedHostRefusal("autoconfig.\(domain)", emailDomain: domain) {
            return .notFound("not asking: \(why)")
        }
        let scope = DomainScope.email(domain)
        let home = [PublicSuffix.registrableDomain(of: domain)]
        let sources = Self.urls(for: query.email, httpsOnly: query.httpsOnly).enumerated().map { index, url in
            // The HTTPS URLs carry ?emailaddress= (the plain-HTTP one never does).
            let https = url.hasPrefix("https://")
            let source = ConfigDocumentSource(url: url, subrank: index, scope: scope, requestTimeout: requestTimeout, baseDomains: home,
                                              askedWithAddress: https)
            // autoconfig.D and D/.well-known are both the domain's own HTTPS: equal authority.
            return RankedSource(bestTier: https ? 0 : 1, subrank: index, authority: https ? 0 : 1) {
                await source.fetch(http: http, context: context)
            }
        }
        return try SourceRace.outcome(await SourceRace.run(sources))
    }
}
