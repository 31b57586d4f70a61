/// Microsoft Autodiscover (POX, as Outlook speaks it), from the places MS-OXDSCLI lists, asked at
/// once and ranked in this order:
///
/// 1. `POST https://DOMAIN/autodiscover/autodiscover.xml`
/// 2. `POST https://autodiscover.DOMAIN/autodiscover/autodiscover.xml`
/// 3. `GET http://autodiscover.DOMAIN/autodiscover/autodiscover.xml`, unauthenticated, used only
///    when it redirects to https (then POST there); `--https-only` drops it
/// 4. the `_autodiscover._tcp.DOMAIN` SRV record, when a DNS resolver is among the services
///    (`confirm (unsigned-dns)`, and `cross-domain` for a foreign target, unless DNSSEC-validated)
///
/// Only names at or below the email domain are ever built (never `autodiscover.<tld>`, the 2021
/// credential leak), and no credentials are sent.
package struct AutodiscoverPlugin: ProviderPlugin {
    package let name = "autodiscover"
    package let summary = "Microsoft Autodiscover (DOMAIN, autodiscover.DOMAIN, HTTP redirect, SRV)"
    package var authority: AuthorityClass? { .dns }
    package var networkUse: NetworkUse { .dnsRecords }
    package var requestTimeout: Duration

    package init(requestTimeout: Duration = .seconds(5)) {
        self.requestTimeout = requestTimeout
    }

    /// The two HTTPS POST endpoints of a domain, skipping any name that must not be asked.
    static func postURLs(for domain: String) -> [String] {
        [domain, "autodiscover.\(domain)"]
            .filter { DomainScope.derivedHostRefusal($0, emailDomain: domain) == nil }
            .map { "https://\($0)/autodiscover/autodiscover.xml" }
    }

    package func lookup(_ query: LookupQuery, context: PluginContext) async throws -> PluginOutcome {
        guard let http = context.services[HTTPClientKey.self] else { throw PluginFailure(.configuration, "no HTTP client configured") }
        let domain = query.email.domain
        if let why = DomainScope.derivedHostRefusal(domain, emailDomain: domain) { return .notFound("not asking: \(why)") }
        let scope = DomainScope.email(domain, exempt: MicrosoftDomains.registrable)
        let email = query.email
        let template = AutodiscoverChain(http: http, context: context, scope: scope, requestTimeout: requestTimeout, subrank: 0)
        let chain: @Sendable (Int) -> AutodiscoverChain = { subrank in
            var copy = template
            copy.subrank = subrank
            return copy
        }

        var sources: [RankedSource] = Self.postURLs(for: domain).enumerated().map { index, url in
            // D and autodiscover.D are both the domain's own HTTPS: equal authority.
            RankedSource(bestTier: 0, subrank: index, authority: 0) { await chain(index).run(urls: [url], email: email) }
        }
        if !query.httpsOnly {
            let url = "http://autodiscover.\(domain)/autodiscover/autodiscover.xml"
            sources.append(RankedSource(bestTier: 0, subrank: 2) {
                await Self.viaHTTPRedirect(url, http: http, context: context, timeout: template.requestTimeout, chain: chain(2), email: email)
            })
        }
        if let dns = context.services[DNSResolverKey.self] {
            sources.append(RankedSource(bestTier: 0, subrank: 3) {
                await Self.viaSRV(domain, dns: dns, context: context, chain: chain(3), email: email)
            })
        }
        return try SourceRace.outcome(await SourceRace.run(sources))
    }

    /// MS-OXDSCLI's "HTTP redirect method": the plain-HTTP GET may only point somewhere; the
    /// request itself goes to the https URL it names.
    static func viaHTTPRedirect(_ url: String, http: any HTTPFetching, context: PluginContext, timeout: Duration, chain: AutodiscoverChain, email: EmailAddress) async -> SourceAnswer {
        context.trace(.sourceTried("GET \(url)"))
        let remaining = context.remaining
        guard remaining > .zero else { return .failed(PluginFailure(.timeout, "\(url): the lookup deadline passed")) }
        let response: HTTPResponse
        do {
            response = try await http.fetch(HTTPRequest(.get, url: url, timeout: min(timeout, remaining), maximumBodySize: 64 << 10))
        } catch {
            let failure = FetchFailure.http(error, url: url)
            return failure.meansAbsent ? .absent(failure.description) : .failed(failure.pluginFailure)
        }
        guard response.isRedirect, let location = response.location else { return .absent("\(url): HTTP \(response.status), no redirect") }
        guard location.lowercased().hasPrefix("https://"), URLHost.of(location) != nil else {
            return .failed(PluginFailure(.invalidData, "\(url): refusing the redirect to non-https '\(location.prefix(200))'"))
        }
        // The location crossed plain HTTP: anyone on the path chose it (Thunderbird asks the user too).
        return await chain.run(urls: [location], email: email, trust: Trust.trusted.adding(.plainHTTP), hops: [url])
    }

    /// `_autodiscover._tcp.DOMAIN`: every target, in RFC 2782 order (`SRVOrder`), each tried when
    /// the one before it cannot be reached or has nothing. Unsigned answers can be forged, hence
    /// `unsigned-dns`; a target in another registrable domain (usually a hoster) is also
    /// `cross-domain`, unless the answer was DNSSEC-validated (RFC 6186 §6, RFC 7817).
    static func viaSRV(
        _ domain: String, dns: any DNSResolving, context: PluginContext, chain: AutodiscoverChain, email: EmailAddress,
        random: @escaping @Sendable () -> UInt64 = { UInt64.random(in: .min ... .max) }
    ) async -> SourceAnswer {
        let name = "_autodiscover._tcp.\(domain)"
        context.trace(.sourceTried("SRV \(name)"))
        let result = await DNSPluginSupport.query(context, { () async throws(DNSError) in try await dns.srv(name) })
        DNSPluginSupport.traceValidation(context, "SRV \(name)", result)
        let answer: DNSAnswer<[SRVRecord]>
        switch result {
        case .success(let success): answer = success
        case .failure(let error):
            switch error {
            case .nxdomain, .nodata: return .absent("\(name): no SRV record")
            case .timeout: return .failed(PluginFailure(.timeout, error.description))
            case .bogus: return .failed(PluginFailure(.dnssecBogus, error.description))
            default: return .failed(PluginFailure(.network, error.description))
            }
        }
        let usable = answer.records.filter { !$0.target.isEmpty && (1...65535).contains($0.port) }
        // RFC 2782: a lone "." target means the service is decidedly not offered.
        if usable.isEmpty || usable.contains(where: { $0.target == "." }) { return .absent("\(name): service not offered") }
        var generator = InjectedGenerator(source: random)
        var urls: [String] = [], refusals: [String] = []
        var foreign = false
        let ownDomain = PublicSuffix.registrableDomain(of: domain)
        for record in SRVOrder.rfc2782(usable, using: &generator) {
            let target = DNSPluginSupport.normalized(record.target)
            if let why = DomainScope.refusal(target) {
                refusals.append("\(target): \(why)")
                continue
            }
            if PublicSuffix.registrableDomain(of: target) != ownDomain { foreign = true }
            let url = "https://\(target)\(record.port == 443 ? "" : ":\(record.port)")/autodiscover/autodiscover.xml"
            if !urls.contains(url) { urls.append(url) }
        }
        guard !urls.isEmpty else { return .failed(PluginFailure(.invalidData, "\(name): unusable target: \(refusals.joined(separator: "; "))")) }
        var trust: Trust = .trusted
        if !answer.authenticated {
            trust = trust.adding(.unsignedDNS)
            if foreign { trust = trust.adding(.crossDomain) }
        }
        return await chain.run(urls: urls, email: email, trust: trust, hops: ["SRV \(name)"], dnssec: answer.authenticated)
    }
}
