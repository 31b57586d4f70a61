/// Follows HTTP redirects hop by hop, because a blind FOLLOWLOCATION would let any server send
/// the client anywhere: at most `maximumHops` hops, never from https back to http, never to a
/// public suffix or IP literal, no loops. Every hop is recorded, and a hop into a registrable
/// domain outside the scope is reported so the plugin can mark its result cross-domain.
/// Each hop's timeout is clipped to the lookup deadline.
public struct RedirectFollower: Sendable {
    package static let defaultMaximumHops = 5

    package var fetcher: any HTTPFetching
    package var scope: DomainScope
    package var deadline: ContinuousClock.Instant
    package var maximumHops: Int

    package init(fetcher: any HTTPFetching, scope: DomainScope, deadline: ContinuousClock.Instant, maximumHops: Int = RedirectFollower.defaultMaximumHops) {
        self.fetcher = fetcher
        self.scope = scope
        self.deadline = deadline
        self.maximumHops = maximumHops
    }

    /// The final response (which may itself be a 3xx without a Location) and the path to it.
    package func fetch(_ request: HTTPRequest) async throws(FetchFailure) -> FollowedResponse {
        var current = request
        var path = FollowedResponse.Path()
        var visited: Set<String> = []
        // The first hop's host can be resolved while libcurl loads.
        (fetcher as? any HTTPPreparing)?.prepare(current)
        await CurlLibrary.ready()  // URLHost below parses with libcurl: loaded off the pool first
        while true {
            guard let host = URLHost.of(current.url) else { throw .invalidURL(current.url) }
            if let why = DomainScope.refusal(host) { throw .refusedHost(host, why) }
            path.note(host: host, url: current.url, scope: scope)
            visited.insert(current.url)
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { throw .http(.timeout("\(host): the lookup deadline passed"), url: current.url) }
            current.timeout = min(request.timeout, remaining)

            let response: HTTPResponse
            do { response = try await fetcher.fetch(current) } catch { throw .http(error, url: current.url) }
            path.tlsVerified = path.tlsVerified && response.tlsVerified
            guard response.isRedirect, let location = response.location else {
                return FollowedResponse(response: response, path: path)
            }
            let next = try Self.target(of: location, from: current.url)
            if visited.contains(next) { throw .redirectLoop(next) }
            guard path.hops.count < maximumHops else { throw .tooManyRedirects(maximumHops) }
            path.hops.append(current.url)
            // 303 means "GET the answer there"; 301/302/307/308 keep the method, as Autodiscover
            // endpoints that move expect the same POST at the new place.
            if response.status == 303 {
                current.method = .get
                current.body = nil
            }
            current.url = next
        }
    }

    /// Where a `Location` value sends a request made to `current`: an absolute http(s) URL with a
    /// host and no credentials, never from https down to http. Resolved and read by curl's URL
    /// parser, the one that will connect to it. Remote data (the fuzz target `redirect-location`
    /// feeds it).
    @_spi(Fuzzing) public static func target(of location: String, from current: String) throws(FetchFailure) -> String {
        guard let resolved = URLHost.resolve(location, against: current),
              resolved.target.scheme == "https" || resolved.target.scheme == "http", !resolved.target.hasCredentials else {
            throw .invalidRedirect(from: current, location: String(location.prefix(200)))
        }
        if current.lowercased().hasPrefix("https://") && resolved.target.scheme == "http" { throw .downgrade(from: current, to: resolved.url) }
        return resolved.url
    }
}

/// A response and how it was reached.
package struct FollowedResponse: Sendable {
    package struct Path: Sendable, Hashable {
        /// The URLs that answered with a redirect, in order (the first is the request's URL).
        package var hops: [String] = []
        /// Registrable domains of every host contacted, in order of first contact.
        package var registrableDomains: [String] = []
        /// Registrable domains outside the scope that were contacted.
        package var foreignDomains: [String] = []
        /// True when every hop was https.
        package var allHTTPS = true
        /// True when every response came over TLS with a verified certificate.
        package var tlsVerified = true

        init() {}

        mutating func note(host: String, url: String, scope: DomainScope) {
            let domain = PublicSuffix.registrableDomain(of: host)
            if !registrableDomains.contains(domain) { registrableDomains.append(domain) }
            if scope.isForeign(host) && !foreignDomains.contains(domain) { foreignDomains.append(domain) }
            if !url.lowercased().hasPrefix("https://") { allHTTPS = false }
        }
    }

    package var response: HTTPResponse
    package var path: Path

    package var crossedDomains: Bool { !path.foreignDomains.isEmpty }
}

/// Why a source could not be fetched, as one line, with the plugin failure kind it maps to.
public enum FetchFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// A hop got no response (the URL asked).
    case http(HTTPError, url: String)
    /// A URL cannot be used.
    case invalidURL(String)
    /// A hop's host is refused (an IP literal, a public suffix…), and why.
    case refusedHost(String, String)
    /// A redirect without a usable `Location`.
    case invalidRedirect(from: String, location: String)
    /// A redirect from HTTPS to plain HTTP, refused.
    case downgrade(from: String, to: String)
    /// A redirect back to a URL already visited.
    case redirectLoop(String)
    /// More hops than allowed (the limit).
    case tooManyRedirects(Int)

    /// One line for the user.
    public var description: String {
        switch self {
        case .http(let error, let url): "\(url): \(error)"
        case .invalidURL(let url): "invalid URL \(url.prefix(200))"
        case .refusedHost(let host, let why): "refusing to contact \(host): \(why)"
        case .invalidRedirect(let from, let location): "\(from): unusable redirect to '\(location)'"
        case .downgrade(let from, let to): "\(from): refusing the redirect from https to \(to)"
        case .redirectLoop(let url): "redirect loop at \(url)"
        case .tooManyRedirects(let limit): "more than \(limit) redirects"
        }
    }

    package var kind: PluginFailure.Kind {
        switch self {
        case .http(.timeout, _): .timeout
        case .http(.tooLarge, _): .invalidData
        case .http: .network
        default: .invalidData
        }
    }

    /// True for failures that mean "this source does not exist" rather than "it is broken":
    /// the name does not resolve.
    package var meansAbsent: Bool {
        if case .http(.resolve, _) = self { return true }
        return false
    }

    package var pluginFailure: PluginFailure { PluginFailure(kind, description) }
}
