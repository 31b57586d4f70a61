/// The central database (draft §"Central database", Thunderbird's ISPDB): `BASE` + the domain,
/// default base `https://autoconfig.thunderbird.net/v1.1/`. The database is curated, so its
/// answers are trusted when fetched over HTTPS from the database's own domain; a redirect
/// elsewhere makes them cross-domain, a plain-HTTP base makes them `confirm (plain-http)`.
public struct ISPDBPlugin: ProviderPlugin {
    public static let defaultBaseURL = "https://autoconfig.thunderbird.net/v1.1/"

    public let name = "ispdb"
    public let summary: String
    public var authority: AuthorityClass? { .ispdb }
    public var baseURL: String
    public var requestTimeout: Duration

    public init(baseURL: String = ISPDBPlugin.defaultBaseURL, requestTimeout: Duration = .seconds(5)) {
        self.baseURL = baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
        self.requestTimeout = requestTimeout
        summary = "the ISPDB central database (\(self.baseURL))"
    }

    public var bestPossibleTrust: Trust.Level { baseURL.lowercased().hasPrefix("https://") ? .trusted : .confirm }

    public func url(for domain: String) -> String { baseURL + domain }

    public func lookup(_ query: LookupQuery, context: PluginContext) async throws -> PluginOutcome {
        guard let http = context.services[HTTPClientKey.self] else { throw PluginFailure(.configuration, "no HTTP client configured") }
        let https = baseURL.lowercased().hasPrefix("https://")
        if query.httpsOnly && !https { return .notFound("--https-only: the ISPDB base \(baseURL) is plain HTTP") }
        await CurlLibrary.ready()  // URLHost parses with libcurl: loaded off the pool first
        guard let host = URLHost.of(baseURL) else { throw PluginFailure(.configuration, "invalid ISPDB URL \(baseURL)") }
        let source = ConfigDocumentSource(
            url: url(for: query.email.domain), subrank: 0, scope: DomainScope(home: [PublicSuffix.registrableDomain(of: host)]),
            requestTimeout: requestTimeout, baseDomains: [PublicSuffix.registrableDomain(of: query.email.domain)])
        return try SourceRace.outcome([await source.fetch(http: http, context: context)])
    }
}
