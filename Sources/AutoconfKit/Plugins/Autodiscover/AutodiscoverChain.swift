/// One Autodiscover conversation: POST the Outlook request, then follow the server's referrals —
/// `redirectUrl` (same request, new URL; https only) and `redirectAddr` (ask again for the new
/// address at its own domain) — up to ten in all, refusing loops. Each POST follows HTTP
/// redirects with `RedirectFollower`. Any hop, referral or address outside the email domain's
/// registrable domain (Microsoft's own excepted) marks the result cross-domain. No credentials
/// are ever sent: a server that insists on them counts as "nothing here".
struct AutodiscoverChain: Sendable {
    static let maximumReferrals = 10

    var http: any HTTPFetching
    var context: PluginContext
    var scope: DomainScope
    var requestTimeout: Duration
    var subrank: Int

    /// `urls` are alternatives for the first request, tried in order until one answers.
    func run(urls: [String], email: EmailAddress, trust startTrust: Trust = .trusted, hops priorHops: [String] = [], dnssec: Bool? = nil) async -> SourceAnswer {
        var pendingURLs = urls
        var address = email
        var redirectedAddress = false
        var trust = startTrust
        var hops = priorHops
        var domains = [PublicSuffix.registrableDomain(of: email.domain)]
        var tlsVerified = true
        var visited: Set<String> = []
        var referrals = 0

        while true {
            var reply: (answer: AutodiscoverPOXReader.Answer, url: String)?
            var misses: [SourceAnswer] = []
            for url in pendingURLs {
                let key = "\(address.address.lowercased()) \(url)"
                if visited.contains(key) { return .failed(PluginFailure(.invalidData, "Autodiscover referral loop at \(url) for \(address.address)")) }
                visited.insert(key)
                let result = await post(url, address: address, defaultUsername: redirectedAddress ? address.address : "%EMAILADDRESS%")
                switch result {
                case .miss(let answer):
                    misses.append(answer)
                case .reply(let answer, let followed):
                    hops += followed.path.hops
                    for domain in followed.path.registrableDomains where !domains.contains(domain) { domains.append(domain) }
                    tlsVerified = tlsVerified && followed.path.tlsVerified
                    if followed.crossedDomains { trust = trust.adding(.crossDomain) }
                    if !followed.path.allHTTPS { trust = trust.adding(.plainHTTP) }
                    reply = (answer, followed.response.url)
                }
                if reply != nil { break }
            }
            guard let reply else { return Self.combine(misses) }

            switch reply.answer {
            case .settings(let configuration, let warnings):
                for warning in warnings.prefix(5) { context.trace(.note(warning)) }
                let provenance = context.provenance(
                    source: reply.url, channel: .https, redirects: hops, registrableDomains: domains, tlsVerified: tlsVerified,
                    dnssecAuthenticated: dnssec, askedWithAddress: true)
                return .found([Candidate(configuration: configuration, trust: trust, provenance: provenance, subrank: subrank)])

            case .error(let code, let message):
                return .failed(PluginFailure(.invalidData, "\(reply.url): Autodiscover error\(code.map { " \($0)" } ?? ""): \(message.prefix(200))"))

            case .redirectURL(let next):
                referrals += 1
                guard referrals <= Self.maximumReferrals else { return .failed(PluginFailure(.invalidData, "more than \(Self.maximumReferrals) Autodiscover referrals")) }
                guard next.lowercased().hasPrefix("https://"), let host = URLHost.of(next) else {
                    return .failed(PluginFailure(.invalidData, "\(reply.url): refusing redirectUrl to non-https '\(next.prefix(200))'"))
                }
                if let why = DomainScope.refusal(host) { return .failed(PluginFailure(.invalidData, "\(reply.url): refusing redirectUrl: \(why)")) }
                context.trace(.note("\(reply.url): redirectUrl \(next)"))
                hops.append(reply.url)
                pendingURLs = [next]

            case .redirectAddress(let text):
                referrals += 1
                guard referrals <= Self.maximumReferrals else { return .failed(PluginFailure(.invalidData, "more than \(Self.maximumReferrals) Autodiscover referrals")) }
                guard let next = try? EmailAddress(text) else {
                    return .failed(PluginFailure(.invalidData, "\(reply.url): redirectAddr to an invalid address '\(text.prefix(100))'"))
                }
                let nextURLs = AutodiscoverPlugin.postURLs(for: next.domain)
                guard !nextURLs.isEmpty else {
                    return .failed(PluginFailure(.invalidData, "\(reply.url): refusing redirectAddr to \(next.address): its domain cannot be asked"))
                }
                context.trace(.note("\(reply.url): redirectAddr \(next.address)"))
                if scope.isForeign(next.domain) { trust = trust.adding(.crossDomain) }
                hops.append(reply.url)
                hops.append("redirectAddr \(next.address)")
                address = next
                redirectedAddress = true
                pendingURLs = nextURLs
            }
        }
    }

    private enum PostResult {
        case miss(SourceAnswer)
        case reply(AutodiscoverPOXReader.Answer, FollowedResponse)
    }

    private func post(_ url: String, address: EmailAddress, defaultUsername: String) async -> PostResult {
        context.trace(.sourceTried("POST \(url)"))
        // libxml2 writes the body: the host is resolved while it loads off the pool.
        (http as? any HTTPPreparing)?.prepare(HTTPRequest(.post, url: url))
        await LibXML.ready()
        // Never an empty POST: without libxml2 there is no request to send.
        if let problem = LibXML.unavailable {
            return .miss(.failed(PluginFailure(.configuration, "POST \(url): cannot write the request: \(problem)")))
        }
        let request = HTTPRequest(
            .post, url: url, headers: ["Content-Type": AutodiscoverRequestWriter.contentType, "Accept": "text/xml, application/xml"],
            body: AutodiscoverRequestWriter.request(for: address.address), timeout: requestTimeout)
        let followed: FollowedResponse
        do {
            followed = try await RedirectFollower(fetcher: http, scope: scope, deadline: context.deadline).fetch(request)
        } catch {
            return .miss(error.meansAbsent ? .absent(error.description) : .failed(error.pluginFailure))
        }
        let response = followed.response
        switch response.status {
        case 200: break
        case 401, 403: return .miss(.absent("\(response.url): HTTP \(response.status) (wants credentials; autoconf sends none)"))
        case 404, 405, 410: return .miss(.absent("\(response.url): HTTP \(response.status)"))
        default: return .miss(.failed(PluginFailure(.network, "\(response.url): HTTP \(response.status)")))
        }
        if let problem = ContentTypeCheck.problem(response.contentType, body: response.body) {
            return .miss(.failed(PluginFailure(.invalidData, "\(response.url): \(problem)")))
        }
        do {
            return .reply(try AutodiscoverPOXReader().read(response.body, source: response.url, defaultUsername: defaultUsername), followed)
        } catch {
            return .miss(.failed(PluginFailure(.invalidData, error.description)))
        }
    }

    private static func combine(_ misses: [SourceAnswer]) -> SourceAnswer {
        if let failure = misses.first(where: { if case .failed = $0 { true } else { false } }) { return failure }
        let reasons = misses.compactMap { answer -> String? in if case .absent(let why) = answer { why } else { nil } }
        return .absent(reasons.isEmpty ? "no Autodiscover endpoint" : reasons.joined(separator: "; "))
    }
}
