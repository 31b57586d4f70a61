/// The central database (draft §"Central database", Thunderbird's ISPDB): `BASE` + the domain,
/// default base `https://autoconfig.thunderbird.net/v1.1/`. The database is curated, so its
/// answers are trusted when fetched over HTTPS from the database's own domain; a redirect
/// elsewhere makes them cross-domain, a plain-HTTP base makes them `confirm (plain-http)`.
@usableFromInline package struct ISPDBPlugin: ProviderPlugin {
    @usableFromInline package static let defaultBaseURL = "https://autoconfig.thunderbird.net/v1.1/"

    @usableFromInline package let name = "ispdb"
    @usableFromInline package let summary: String
    @usableFromInline package var authority: AuthorityClass? { .ispdb }
    @usableFromInline package var networkUse: NetworkUse { .hostsByName }
    package var baseURL: String
    package var requestTimeout: Duration

    package init(baseURL: String = ISPDBPlugin.defaultBaseURL, requestTimeout: Duration = .seconds(5)) {
        self.baseURL = baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
        self.requestTimeout = requestTimeout
        summary = "the ISPDB central database (\(self.baseURL))"
    }

    @usableFromInline package var bestPossibleTrust: Trust.Level { baseURL.lowercased().hasPrefix("https://") ? .trusted : .confirm }

    package func url(for domain: String) -> String { baseURL + domain }

    @usableFromInline package func lookup(_ query: LookupQuery, context: PluginContext) async throws -> PluginOutcome {
        guard let http = context.services[HTTPClientKey.self] else { throw PluginFailure(.configuration, "no HTTP client configured") }
        let https = baseURL.lowercased().hasPrefix("https://")
        if query.httpsOnly && !https { return .notFound("--https-only: the ISPDB base \(baseURL) is plain HTTP") }
        // The database's host can be resolved while libcurl loads.
        (http as? any HTTPPreparing)?.prepare(HTTPRequest(url: url(for: query.email.domain)))
        await CurlLibrary.ready()  // URLHost parses with libcurl: loaded off the pool first
        guard let host = URLHost.of(baseURL) else { throw PluginFailure(.configuration, "invalid ISPDB URL \(baseURL)") }
        let source = ConfigDocumentSource(
            url: url(for: query.email.domain), subrank: 0, scope: DomainScope(home: [PublicSuffix.registrableDomain(of: host)]),
            requestTimeout: requestTimeout, baseDomains: [PublicSuffix.registrableDomain(of: query.email.domain)])
        return try SourceRace.outcome([await source.fetch(http: http, context: context)])
    }
}
