#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Microsoft's Autodiscover v2 (JSON), used to tell a Microsoft 365 tenant from a foreign domain:
///
///     GET https://outlook.office365.com/autodiscover/autodiscover.json/v1.0/ADDRESS?Protocol=AutodiscoverV1
///     → {"Protocol":"AutodiscoverV1","Url":"https://outlook.office365.com/autodiscover/autodiscover.xml"}
///
/// A tenant's answer points into Microsoft's domains; any other domain's points at its own
/// Autodiscover host. Unauthenticated, no credentials; the base URL is overridable
/// (`--office365-url`) for tests and sovereign clouds.
public struct AutodiscoverV2Client: Sendable {
    /// Microsoft's Autodiscover v2 endpoint (`--office365-url` replaces it for tests).
    public static let defaultBaseURL = "https://outlook.office365.com"

    package enum ServiceProtocol: String, Sendable, CaseIterable {
        case autodiscoverV1 = "AutodiscoverV1"
        case activeSync = "ActiveSync"
        case ews = "EWS"
    }

    /// The JSON answer.
    public struct Answer: Sendable, Hashable, Codable {
        package var `protocol`: String
        package var url: String

        enum CodingKeys: String, CodingKey {
            case `protocol` = "Protocol"
            case url = "Url"
        }
    }

    private struct ErrorAnswer: Decodable {
        var ErrorCode: String?
        var ErrorMessage: String?
    }

    package var fetcher: any HTTPFetching
    package var baseURL: String
    package var timeout: Duration

    /// A client fetching with `fetcher` from `baseURL` (a trailing slash is dropped), each request bounded by `timeout`.
    public init(fetcher: any HTTPFetching, baseURL: String = AutodiscoverV2Client.defaultBaseURL, timeout: Duration = .seconds(5)) {
        self.fetcher = fetcher
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.timeout = timeout
    }

    package func url(for email: EmailAddress, protocol service: ServiceProtocol) -> String {
        "\(baseURL)/autodiscover/autodiscover.json/v1.0/\(URLEncoding.component(email.address))?Protocol=\(service.rawValue)"
    }

    /// Microsoft's domains plus the base URL's own (which a test or sovereign cloud replaces).
    private var microsoftDomains: Set<String> {
        var domains = MicrosoftDomains.registrable
        if let host = URLHost.of(baseURL) { domains.insert(PublicSuffix.registrableDomain(of: host.lowercased())) }
        return domains
    }

    /// The service's answer for one protocol. Throws a one-line failure (HTTP status, the
    /// service's own error message, or an unreadable body).
    package func lookup(_ email: EmailAddress, protocol service: ServiceProtocol = .autodiscoverV1, deadline: ContinuousClock.Instant? = nil) async throws(PluginFailure) -> Answer {
        let url = url(for: email, protocol: service)
        (fetcher as? any HTTPPreparing)?.prepare(HTTPRequest(url: url))  // resolved while libcurl loads
        await CurlLibrary.ready()  // URLHost parses with libcurl: loaded off the pool first
        guard let host = URLHost.of(baseURL) else { throw PluginFailure(.configuration, "invalid Office 365 URL \(baseURL)") }
        let follower = RedirectFollower(
            fetcher: fetcher, scope: DomainScope(home: [PublicSuffix.registrableDomain(of: host)], exempt: microsoftDomains),
            deadline: deadline ?? ContinuousClock.now.advanced(by: timeout))
        let followed: FollowedResponse
        do {
            followed = try await follower.fetch(HTTPRequest(.get, url: url, headers: ["Accept": "application/json"], timeout: timeout, maximumBodySize: 64 << 10))
        } catch {
            throw error.pluginFailure
        }
        let response = followed.response
        if response.status != 200 {
            if let problem = try? JSONDecoder().decode(ErrorAnswer.self, from: Data(response.body)), let message = problem.ErrorMessage ?? problem.ErrorCode {
                throw PluginFailure(.invalidData, "\(url): HTTP \(response.status): \(message.prefix(200))")
            }
            throw PluginFailure(.network, "\(url): HTTP \(response.status)")
        }
        return try Self.answer(from: response.body, url: url)
    }

    /// A 200 body read as the service's JSON answer, with a usable https `Url` (remote data: the
    /// fuzz target `autodiscover-v2` feeds it).
    @_spi(Fuzzing) public static func answer(from body: [UInt8], url: String) throws(PluginFailure) -> Answer {
        guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(body)) else {
            throw PluginFailure(.invalidData, "\(url): not an Autodiscover v2 JSON answer")
        }
        guard URLCheck.problem(answer.url) == nil, answer.url.lowercased().hasPrefix("https://") else {
            throw PluginFailure(.invalidData, "\(url): unusable Url '\(answer.url.prefix(200))'")
        }
        return answer
    }

    /// Whether an answer names a Microsoft 365 host (nil: no host libcurl would connect to).
    @_spi(Fuzzing) public func isMicrosoftAnswer(_ answer: Answer) -> Bool? {
        guard let host = URLHost.of(answer.url) else { return nil }
        return microsoftDomains.contains(PublicSuffix.registrableDomain(of: host))
    }

    /// true: Microsoft 365 serves this address; false: the domain is answered elsewhere; nil: the
    /// service could not be asked or gave no usable answer.
    package func isMicrosoft365Tenant(_ email: EmailAddress, deadline: ContinuousClock.Instant? = nil) async -> Bool? {
        guard let answer = try? await lookup(email, protocol: .autodiscoverV1, deadline: deadline) else { return nil }
        return isMicrosoftAnswer(answer)
    }
}
