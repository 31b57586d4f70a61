#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One HTTP request to the publisher, as the service hands it over: the `Host` header, the path
/// still percent-encoded, the query decoded, the body read under the service's size limit.
package struct PublishRequest: Sendable {
    package var method: String
    package var host: String?
    package var path: String
    package var query: [String: String]
    package var body: [UInt8]

    package init(method: String, host: String?, path: String, query: [String: String] = [:], body: [UInt8] = []) {
        self.method = method
        self.host = host
        self.path = path
        self.query = query
        self.body = body
    }
}

package struct PublishResponse: Sendable, Equatable {
    package var status: Int
    package var headers: [String: String]
    package var body: [UInt8]

    package init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    static func text(_ status: Int, _ message: String) -> PublishResponse {
        PublishResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"], body: Array((message + "\n").utf8))
    }
}

/// Answers the requests mail clients send to set themselves up, from the published provider
/// files: config-v1.1 (autoconfig and `.well-known`), Outlook Autodiscover POX, Autodiscover v2
/// and Apple mobileconfig. Every answer is for the domain the `Host` header names, and a
/// per-user answer only for an address of that same domain: never another domain's settings.
/// Pure request → response, so the service only routes to it and tests need no sockets.
package struct Publisher: Sendable {
    package enum Endpoint: Sendable, Equatable {
        case autoconfig, wellKnown, autodiscover, autodiscoverV2(address: String), mobileconfig
    }

    package let published: PublishedDomains
    /// Signs mobileconfig profiles when set (`--sign-cert`/`--sign-key`).
    package let profileSigner: ProfileSigner?

    package init(_ published: PublishedDomains, profileSigner: ProfileSigner? = nil) {
        self.published = published
        self.profileSigner = profileSigner
    }

    /// Which publishing endpoint a path is, or nil for a path that is not the publisher's.
    package static func endpoint(forPath path: String) -> Endpoint? {
        switch path {
        case "/mail/config-v1.1.xml": return .autoconfig
        case "/.well-known/autoconfig/mail/config-v1.1.xml": return .wellKnown
        case "/mobileconfig": return .mobileconfig
        default: break
        }
        let lower = path.lowercased()
        if lower == "/autodiscover/autodiscover.xml" { return .autodiscover }
        let v2 = "/autodiscover/autodiscover.json/v1.0/"
        if lower.hasPrefix(v2) { return .autodiscoverV2(address: String(path.dropFirst(v2.count))) }
        return nil
    }

    /// nil when the path is not a publishing endpoint (the service answers it otherwise).
    package func respond(_ request: PublishRequest) -> PublishResponse? {
        guard let endpoint = Self.endpoint(forPath: request.path) else { return nil }
        let method = request.method.uppercased()
        switch endpoint {
        case .autodiscover:
            guard method == "POST" else { return methodNotAllowed("POST") }
        default:
            guard method == "GET" || method == "HEAD" else { return methodNotAllowed("GET, HEAD") }
        }
        guard let domain = published.domain(forHost: request.host), let entry = published.entry(for: domain) else {
            if case .autodiscover = endpoint { return autodiscoverError(404, code: 500, "The email address can't be found.") }
            return .text(404, "no mail settings are published for this host")
        }
        let response: PublishResponse
        switch endpoint {
        case .autoconfig, .wellKnown:
            response = configV11(entry, domain: domain, address: request.query["emailaddress"])
        case .autodiscover:
            response = autodiscover(entry, domain: domain, body: request.body)
        case .autodiscoverV2(let encoded):
            response = autodiscoverV2(entry, domain: domain, host: request.host ?? domain, encodedAddress: encoded, protocol: request.query["Protocol"] ?? request.query["protocol"])
        case .mobileconfig:
            response = mobileconfig(entry, domain: domain, address: request.query["emailaddress"])
        }
        guard method == "HEAD" else { return response }
        var head = response
        head.body = []
        return head
    }

    // MARK: - Endpoints

    /// Placeholders stay in the document: every config-v1.1 client expands them itself, and the
    /// document is the same for every user of the domain, so it may be cached publicly.
    func configV11(_ entry: ProviderCatalog.Entry, domain: String, address: String?) -> PublishResponse {
        if let address {
            switch Self.address(address, in: domain) {
            case .failure(let refusal): return .text(400, refusal.message)
            case .success: break
            }
        }
        let body = Array(ConfigXMLWriter.document(for: entry.configuration).utf8)
        return PublishResponse(
            status: 200, headers: ["Content-Type": "text/xml; charset=utf-8", "Cache-Control": "public, max-age=3600"], body: body)
    }

    func autodiscover(_ entry: ProviderCatalog.Entry, domain: String, body: [UInt8]) -> PublishResponse {
        guard body.count <= AutodiscoverRequestReader.maximumSize else {
            return autodiscoverError(413, code: 600, "Invalid Request")
        }
        let request: AutodiscoverRequestReader.Request
        do {
            request = try AutodiscoverRequestReader.read(body)
        } catch {
            return autodiscoverError(400, code: 600, "Invalid Request")
        }
        if let schema = request.acceptableResponseSchema, schema != AutodiscoverRequestWriter.responseSchema {
            // e.g. the mobilesync (ActiveSync) schema: nothing this publisher can answer.
            return autodiscoverError(200, code: 600, "Invalid Request")
        }
        let email: EmailAddress
        switch Self.address(request.emailAddress, in: domain) {
        case .failure: return autodiscoverError(404, code: 500, "The email address can't be found.")
        case .success(let address): email = address
        }
        let settings = Placeholders(email: email).expand(entry.configuration)
        return PublishResponse(
            status: 200, headers: ["Content-Type": AutodiscoverResponseWriter.contentType, "Cache-Control": "no-store"],
            body: Array(AutodiscoverResponseWriter.settings(settings).utf8))
    }

    /// Autodiscover v2 answers where the file gives a URL for the protocol asked: the POX endpoint (AutodiscoverV1) and
    /// the EWS and ActiveSync URLs a provider file names.
    func autodiscoverV2(_ entry: ProviderCatalog.Entry, domain: String, host: String, encodedAddress: String, protocol name: String?) -> PublishResponse {
        guard let decoded = PercentEncoding.decode(encodedAddress), case .success(let email) = Self.address(decoded, in: domain) else {
            return json(404, ["ErrorCode": "UserNotFound", "ErrorMessage": "The email address can't be found."])
        }
        let configuration = Placeholders(email: email).expand(entry.configuration)
        let url: String?
        let canonical: String
        switch name?.lowercased() {
        case "autodiscoverv1":
            canonical = "AutodiscoverV1"
            url = "https://\(Self.hostWithoutPort(host))/autodiscover/autodiscover.xml"
        case "ews":
            canonical = "Ews"
            url = configuration.incoming.first { $0.type == .ews }?.url
        case "activesync":
            canonical = "ActiveSync"
            url = configuration.incoming.first { $0.type == .activeSync }?.url
        default:
            return json(400, ["ErrorCode": "InvalidProtocol", "ErrorMessage": "Supported values are 'AutodiscoverV1', 'Ews', 'ActiveSync'."])
        }
        guard let url else {
            return json(404, ["ErrorCode": "ProtocolNotPublished", "ErrorMessage": "No \(canonical) endpoint is published for this domain."])
        }
        return json(200, ["Protocol": canonical, "Url": url])
    }

    func mobileconfig(_ entry: ProviderCatalog.Entry, domain: String, address: String?) -> PublishResponse {
        guard let address else { return .text(400, "emailaddress is required") }
        let email: EmailAddress
        switch Self.address(address, in: domain) {
        case .failure(let refusal): return .text(400, refusal.message)
        case .success(let parsed): email = parsed
        }
        let settings = Placeholders(email: email).expand(entry.configuration)
        do {
            let file = try ExportFormat.mobileconfig.export(settings, email: email)[0]
            var body = Array(file.contents.utf8)
            if let profileSigner {
                guard let signed = profileSigner.sign(body) else { return .text(503, "the profile could not be signed") }
                body = signed
            }
            return PublishResponse(
                status: 200,
                headers: [
                    "Content-Type": "application/x-apple-aspen-config",
                    "Content-Disposition": "attachment; filename=\"\(file.suggestedPath)\"",
                    "Cache-Control": "no-store",
                ],
                body: body)
        } catch {
            return .text(404, "no Apple Mail profile can be made for this domain: \(error.problem)")
        }
    }

    // MARK: - Helpers

    /// The address, which must belong to the host's own domain.
    struct Refusal: Error { let message: String }

    static func address(_ text: String, in domain: String) -> Result<EmailAddress, Refusal> {
        guard let email = try? EmailAddress(text) else { return .failure(Refusal(message: "emailaddress is not a valid address")) }
        guard email.domain == domain else { return .failure(Refusal(message: "emailaddress is not an address of \(domain)")) }
        return .success(email)
    }

    static func hostWithoutPort(_ host: String) -> String {
        var value = host.lowercased()
        if let colon = value.lastIndex(of: ":"), !value.hasPrefix("[") { value = String(value[..<colon]) }
        if value.hasSuffix(".") { value.removeLast() }
        return value
    }

    private func methodNotAllowed(_ allowed: String) -> PublishResponse {
        var response = PublishResponse.text(405, "method not allowed")
        response.headers["Allow"] = allowed
        return response
    }

    private func autodiscoverError(_ status: Int, code: Int, _ message: String) -> PublishResponse {
        PublishResponse(
            status: status, headers: ["Content-Type": AutodiscoverResponseWriter.contentType, "Cache-Control": "no-store"],
            body: Array(AutodiscoverResponseWriter.error(code: code, message: message).utf8))
    }

    private func json(_ status: Int, _ object: [String: String]) -> PublishResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = (try? encoder.encode(object)).map(Array.init) ?? Array("{}".utf8)
        return PublishResponse(status: status, headers: ["Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"], body: body)
    }
}
