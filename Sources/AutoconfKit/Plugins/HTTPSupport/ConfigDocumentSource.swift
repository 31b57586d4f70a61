#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Fetches one config-v1.1 URL (following redirects with `RedirectFollower`) and turns the
/// document into a candidate whose trust says how it was reached: plain HTTP anywhere on the way
/// makes it `confirm (plain-http)`, a hop outside the scope makes it `confirm (cross-domain)`.
struct ConfigDocumentSource: Sendable {
    var url: String
    var subrank: Int
    var scope: DomainScope
    var requestTimeout: Duration
    /// Registrable domains named first in the provenance (the email domain's).
    var baseDomains: [String]
    /// Whether `url` carries the email address (provenance `askedWithAddress`).
    var askedWithAddress = false

    static let accept = "application/xml, text/xml;q=0.9, */*;q=0.1"

    func fetch(http: any HTTPFetching, context: PluginContext) async -> SourceAnswer {
        context.trace(.sourceTried(url))
        let follower = RedirectFollower(fetcher: http, scope: scope, deadline: context.deadline)
        let followed: FollowedResponse
        do {
            followed = try await follower.fetch(HTTPRequest(.get, url: url, headers: ["Accept": Self.accept], timeout: requestTimeout))
        } catch {
            if case .http(.cancelled, _) = error { return .absent("\(url): cancelled") }
            return error.meansAbsent ? .absent(error.description) : .failed(error.pluginFailure)
        }
        let response = followed.response
        switch response.status {
        case 200: break
        case 204, 404, 410: return .absent("\(response.url): HTTP \(response.status)")
        default: return .failed(PluginFailure(.network, "\(response.url): HTTP \(response.status)"))
        }
        if let problem = ContentTypeCheck.problem(response.contentType, body: response.body) {
            return .failed(PluginFailure(.invalidData, "\(response.url): \(problem)"))
        }
        let document: ConfigXMLReader.Document
        await LibXML.ready()
        if let problem = LibXML.unavailable {
            return .failed(PluginFailure(.configuration, "\(response.url): cannot read the document: \(problem)"))
        }
        do {
            document = try ConfigXMLReader().read(response.body, source: response.url)
        } catch {
            return .failed(PluginFailure(.invalidData, error.description))
        }
        for warning in document.warnings.prefix(5) { context.trace(.note(warning)) }
        var trust = Trust.trusted
        if !followed.path.allHTTPS { trust = trust.adding(.plainHTTP) }
        if followed.crossedDomains {
            trust = trust.adding(.crossDomain)
            context.trace(.note("\(url) redirected into \(followed.path.foreignDomains.joined(separator: ", "))"))
        }
        var domains = baseDomains
        for domain in followed.path.registrableDomains where !domains.contains(domain) { domains.append(domain) }
        let provenance = context.provenance(
            source: response.url, channel: followed.path.allHTTPS ? .https : .http, redirects: followed.path.hops,
            registrableDomains: domains, tlsVerified: followed.path.allHTTPS ? followed.path.tlsVerified : false,
            askedWithAddress: askedWithAddress)
        return .found([Candidate(configuration: document.configuration, trust: trust, provenance: provenance, subrank: subrank)])
    }
}

/// Content types are checked loosely: servers label XML every which way, but an HTML page (a
/// parked domain, a catch-all CMS, a captive portal) is never a configuration.
enum ContentTypeCheck {
    static func problem(_ contentType: String?, body: [UInt8]) -> String? {
        guard let type = contentType?.split(separator: ";").first?.trimmingWhitespace().lowercased() else { return nil }
        guard type == "text/html" || type == "application/xhtml+xml" else { return nil }
        var start = body.prefix(512)[...]
        if start.starts(with: [0xEF, 0xBB, 0xBF]) { start = start.dropFirst(3) }
        let text = String(decoding: start, as: UTF8.self).trimmingWhitespaceAndNewlines()
        if text.hasPrefix("<?xml") || text.hasPrefix("<clientConfig") || text.hasPrefix("<Autodiscover") { return nil }
        return "served as \(type), not as an XML configuration"
    }
}

/// Percent-encoding for one query value or path segment: everything except RFC 3986 unreserved
/// characters is encoded, `+` and `@` included, so no address can change the URL's structure.
enum URLEncoding {
    static func component(_ text: String) -> String { PercentEncoding.encode(text) }
}
