import AutoconfKit
import Foundation

/// `Tests/Servers/http_server.py` with routes written by the test: HTTPS (certificates from the
/// suite's test CA) and plain HTTP on two free ports of 127.0.0.1. Clients reach it through
/// curl-style connect-to mappings (`connectTo`), which send every host's port 443 and 80 here
/// while keeping the requested name for SNI, the certificate check and the Host header — so no
/// request can leave the machine. Each test starts its own server, so tests run in parallel.
public final class HTTPTestServer: @unchecked Sendable {
    /// One route; `nil` fields are left out of the JSON (see the script's docstring).
    public struct Route: Encodable, Sendable {
        public var host: String = "*"
        public var path: String?
        public var scheme: String?
        public var method: String?
        public var query: String?
        public var bodyContains: String?
        public var status: Int?
        public var contentType: String?
        public var body: String?
        public var headers: [String: String]?
        public var delayMs: Int?
        public var redirect: String?
        public var hang: Double?
        public var dripMs: Int?
        public var huge: Int?
        public var contentLength: Bool?

        public init(host: String = "*", path: String? = nil, scheme: String? = nil, method: String? = nil) {
            self.host = host
            self.path = path
            self.scheme = scheme
            self.method = method
        }

        enum CodingKeys: String, CodingKey {
            case host, path, scheme, method, query, status, body, headers, redirect, hang, huge
            case bodyContains = "body_contains", contentType = "content_type", delayMs = "delay_ms", dripMs = "drip_ms"
            case contentLength = "content_length"
        }

        /// A 200 answer.
        public static func answer(_ host: String, _ path: String, scheme: String = "https", method: String? = nil, body: String,
                                  contentType: String = "text/xml", delayMs: Int? = nil) -> Route {
            var route = Route(host: host, path: path, scheme: scheme, method: method)
            route.body = body
            route.contentType = contentType
            route.delayMs = delayMs
            return route
        }

        public static func redirect(_ host: String, _ path: String, scheme: String = "https", to location: String, status: Int = 302) -> Route {
            var route = Route(host: host, path: path, scheme: scheme)
            route.redirect = location
            route.status = status
            return route
        }

        public static func status(_ host: String, _ path: String, scheme: String = "https", _ status: Int) -> Route {
            var route = Route(host: host, path: path, scheme: scheme)
            route.status = status
            route.body = "status \(status)\n"
            route.contentType = "text/plain"
            return route
        }

        public static func hang(_ host: String, _ path: String? = nil, scheme: String? = nil, seconds: Double = 30) -> Route {
            var route = Route(host: host, path: path, scheme: scheme)
            route.hang = seconds
            return route
        }
    }

    private struct Config: Encodable {
        struct Pair: Encodable { var cert: String; var key: String }
        var defaultCert: Pair
        var sni: [String: Pair]
        var log: String
        var maxLifetime: Int
        var routes: [Route]
        enum CodingKeys: String, CodingKey {
            case sni, log, routes
            case defaultCert = "default_cert", maxLifetime = "max_lifetime"
        }
    }

    /// Every name the shared test certificate is valid for.
    public static let certificateNames = [
        "example.test", "*.example.test", "other.test", "*.other.test", "ispdb.test", "*.ispdb.test", "hoster.test",
        "*.hoster.test", "office365.test", "*.office365.test", "outlook.office365.com",
    ]

    public let directory: URL
    public let httpsPort: Int
    public let httpPort: Int
    private let process: SpawnedServer

    /// `rogue` lists hostnames served with a certificate from `TestCA.rogue`, which no client trusts.
    public init(routes: [Route], rogue: [String] = []) throws {
        directory = TestPaths.temporaryDirectory("http")
        let good = try TestCA.shared.issue(Self.certificateNames)
        let bad = try TestCA.rogue.issue(Self.certificateNames)
        var sni: [String: Config.Pair] = [:]
        for name in rogue { sni[name] = Config.Pair(cert: bad.certificate, key: bad.key) }
        let config = Config(
            defaultCert: Config.Pair(cert: good.certificate, key: good.key), sni: sni,
            log: directory.appendingPathComponent("requests.jsonl").path, maxLifetime: 300, routes: routes)
        let path = directory.appendingPathComponent("config.json")
        try JSONEncoder().encode(config).write(to: path)
        process = try SpawnedServer(python: "http_server.py", [path.path])
        httpsPort = process.port("https")
        httpPort = process.port("http")
    }

    /// Starts the server off Swift's cooperative threads: waiting for a Python process to come up
    /// blocks, and blocked cooperative threads would stall every other test running in parallel.
    public static func start(routes: [Route], rogue: [String] = []) async throws -> HTTPTestServer {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try HTTPTestServer(routes: routes, rogue: rogue) })
            }
        }
    }

    public func stop() { process.stop() }

    deinit {
        process.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Sends every host's 443 and 80 here (curl `--connect-to` syntax).
    public var connectTo: [String] { [":443:127.0.0.1:\(httpsPort)", ":80:127.0.0.1:\(httpPort)"] }

    /// Options for a lookup that can only reach this server: test CA trusted, no user provider
    /// directory, the ISPDB and Office 365 base URLs on test names.
    public func options(plugins: [String]? = nil, timeout: Duration = .seconds(5), httpsOnly: Bool = false) -> AutoconfOptions {
        AutoconfOptions(
            timeout: timeout, plugins: plugins, readsUserDirectory: false, httpsOnly: httpsOnly, environment: [:],
            caFile: TestCA.shared.caFile, connectTo: connectTo, ispdbBaseURL: "https://ispdb.test/v1.1/",
            office365BaseURL: "https://outlook.office365.test")
    }

    public struct LoggedRequest: Decodable, Sendable {
        public var scheme: String
        public var host: String
        public var method: String
        public var path: String
        public var query: String
        public var body: String
        public var headers: [String: String]
    }

    /// What the server received so far, in order.
    public func requests() -> [LoggedRequest] {
        guard let text = try? String(contentsOf: directory.appendingPathComponent("requests.jsonl"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(LoggedRequest.self, from: Data($0.utf8)) }
    }
}

/// Small config-v1.1 and Autodiscover documents for HTTP tests.
public enum TestDocuments {
    public static func config(imap: String, smtp: String? = nil, id: String = "example.test") -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <clientConfig version="1.1">
          <emailProvider id="\(id)">
            <domain>\(id)</domain>
            <incomingServer type="imap">
              <hostname>\(imap)</hostname><port>993</port><socketType>SSL</socketType>
              <authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username>
            </incomingServer>
            <outgoingServer type="smtp">
              <hostname>\(smtp ?? imap)</hostname><port>465</port><socketType>SSL</socketType>
              <authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username>
            </outgoingServer>
          </emailProvider>
        </clientConfig>
        """
    }

    public static func autodiscoverSettings(imap: String, smtp: String, loginName: String? = nil) -> String {
        """
        <?xml version="1.0" encoding="utf-8"?>
        <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
          <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
            <Account>
              <AccountType>email</AccountType>
              <Action>settings</Action>
              <Protocol>
                <Type>IMAP</Type><Server>\(imap)</Server><Port>993</Port><SSL>on</SSL><SPA>off</SPA>
                \(loginName.map { "<LoginName>\($0)</LoginName>" } ?? "")
              </Protocol>
              <Protocol>
                <Type>SMTP</Type><Server>\(smtp)</Server><Port>587</Port><SSL>on</SSL><UsePOPAuth>on</UsePOPAuth>
              </Protocol>
            </Account>
          </Response>
        </Autodiscover>
        """
    }

    public static func autodiscoverRedirect(action: String, target: String) -> String {
        let element = action == "redirectAddr" ? "RedirectAddr" : "RedirectUrl"
        return """
            <?xml version="1.0" encoding="utf-8"?>
            <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
              <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
                <Account><Action>\(action)</Action><\(element)>\(target)</\(element)></Account>
              </Response>
            </Autodiscover>
            """
    }
}
