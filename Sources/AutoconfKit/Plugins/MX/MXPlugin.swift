#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The draft's MX step (§"MX", 3.1–3.4): many domains host their mail elsewhere, and the hoster
/// publishes the settings. From the best-preference MX hostname it derives %MXFULLDOMAIN% and
/// %MXBASEDOMAIN% and asks, in this order:
///
/// 1. `https://autoconfig.%MXFULLDOMAIN%/mail/config-v1.1.xml?emailaddress=…`
/// 2. `https://autoconfig.%MXBASEDOMAIN%/mail/config-v1.1.xml?emailaddress=…`
/// 3. the ISPDB for %MXFULLDOMAIN%
/// 4. the ISPDB for %MXBASEDOMAIN%
///
/// all at once, ranking answers in that order. Names equal to the email domain are skipped. An MX
/// pointing at Google or Microsoft 365 answers with their settings directly (and works without an
/// HTTP client). Results are `confirm` (unsigned DNS) unless the MX answer was DNSSEC-authenticated.
public struct MXPlugin: ProviderPlugin {
    public let name = "mx"
    public let summary = "the mail hoster named by the domain's MX records (autoconfig and ISPDB of the MX domain)"
    public var authority: AuthorityClass? { .dns }
    public let ispdbBaseURL: String
    /// Per-request limit; the lookup deadline applies on top.
    public var requestTimeout: Duration

    public static let defaultISPDB = "https://autoconfig.thunderbird.net/v1.1/"

    public init(ispdbBaseURL: String = MXPlugin.defaultISPDB, requestTimeout: Duration = .seconds(5)) {
        self.ispdbBaseURL = ispdbBaseURL.hasSuffix("/") ? ispdbBaseURL : ispdbBaseURL + "/"
        self.requestTimeout = requestTimeout
    }

    public func lookup(_ query: LookupQuery, context: PluginContext) async throws -> PluginOutcome {
        let domain = query.email.domain
        let mx: BestMX
        switch try await BestMX.lookup(domain, context: context) {
        case .none(let why): return .notFound(why)
        case .noSuchDomain(let why): return .domainDoesNotExist(why)
        case .found(let found): mx = found
        }
        let trust: Trust = mx.authenticated ? .trusted : .confirm(.unsignedDNS)

        if mx.hosts.contains(where: GoogleMail.isGoogleMX) {
            return .found([Candidate(
                configuration: GoogleMail.configuration(for: domain, workspace: true),
                trust: HosterDetection.trust(mxAuthenticated: mx.authenticated), provenance: HosterDetection.provenance(context, domain: domain, mx: mx))])
        }
        if mx.hosts.contains(where: MicrosoftMail.isMicrosoft365MX) {
            return .found([Candidate(
                configuration: MicrosoftMail.configuration(for: domain, business: true),
                trust: HosterDetection.trust(mxAuthenticated: mx.authenticated), provenance: HosterDetection.provenance(context, domain: domain, mx: mx))])
        }

        let names = MXDomains(mxHost: mx.primary).candidates(excluding: domain)
        guard !names.isEmpty else { return .notFound("the MX \(mx.primary) is inside \(domain) (nothing new to ask)") }
        guard let http = context.services[HTTPClientKey.self] else {
            return .notFound("MX \(mx.primary) is no known hoster, and no HTTP client is available to ask it")
        }
        // Encoded like the autoconfig plugin's (`@` as %40, `+` as %2B): no address can change the URL.
        let address = URLEncoding.component(query.email.address)
        let urls = names.map { "https://autoconfig.\($0)/mail/config-v1.1.xml?emailaddress=\(address)" } + names.map { ispdbBaseURL + $0 }

        let timeout = min(requestTimeout, context.remaining)
        let results = await withTaskGroup(of: (Int, Result<Candidate, PluginFailure>).self) { group in
            for (index, url) in urls.enumerated() {
                group.addTask {
                    context.trace(.sourceTried(url))
                    return (index, await fetch(url, http: http, timeout: timeout, context: context, mx: mx, domain: domain, trust: trust, order: index))
                }
            }
            var all: [(Int, Result<Candidate, PluginFailure>)] = []
            for await item in group { all.append(item) }
            return all.sorted { $0.0 < $1.0 }
        }
        try Task.checkCancellation()
        let candidates = results.compactMap { try? $0.1.get() }
        if !candidates.isEmpty { return .found(candidates) }
        let failures = results.compactMap { if case .failure(let failure) = $0.1 { failure } else { nil } }
        if let network = failures.first(where: \.isNetwork), failures.allSatisfy(\.isNetwork) { throw network }
        return .notFound("no settings published for the MX domains \(names.joined(separator: ", "))")
    }

    private func fetch(
        _ url: String, http: any HTTPFetching, timeout: Duration, context: PluginContext, mx: BestMX, domain: String, trust: Trust, order: Int
    ) async -> Result<Candidate, PluginFailure> {
        let response: HTTPResponse
        do throws(HTTPError) {
            response = try await http.fetch(HTTPRequest(url: url, headers: ["Accept": "application/xml, text/xml"], timeout: timeout))
        } catch {
            if case .timeout = error { return .failure(PluginFailure(.timeout, "\(url): \(error)")) }
            return .failure(PluginFailure(.network, "\(url): \(error)"))
        }
        guard response.status == 200 else {
            // Not published here (404), or a redirect, which this step does not follow.
            return .failure(PluginFailure(.invalidData, "\(url): HTTP \(response.status)"))
        }
        guard response.tlsVerified else { return .failure(PluginFailure(.network, "\(url): TLS certificate not verified")) }
        do {
            let document = try ConfigXMLReader().read(response.body, source: url)
            let provenance = context.provenance(
                source: url, channel: .https,
                registrableDomains: [PublicSuffix.registrableDomain(of: domain), PublicSuffix.registrableDomain(of: mx.primary)],
                tlsVerified: true, dnssecAuthenticated: mx.authenticated)
            return .success(Candidate(configuration: document.configuration, trust: trust, provenance: provenance, subrank: order))
        } catch {
            return .failure(PluginFailure(.invalidData, error.description))
        }
    }
}
