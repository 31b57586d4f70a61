import AutoconfKit
@testable import AutoconfService
import AutoconfTestSupport
import Foundation
import Testing

/// Issue 13's round trip, one kind of provider file at a time: the service publishes the file
/// over HTTPS with the suite's CA, and autoconf's own lookup, with the CLI's `--plugins`, asks
/// one published endpoint at a time (autoconfig.D, D/.well-known, Autodiscover alone) and must
/// get exactly the file's settings, `trusted`. Where POX cannot say something (OAuth2), what it
/// does say must be right.
@Suite struct PublishRoundTripTests {
    struct Kind: Sendable, CustomTestStringConvertible {
        var domain: String
        var servers: String
        var oauth2 = false
        var testDescription: String { domain }

        var file: String {
            """
            <clientConfig version="1.1"><emailProvider id="\(domain)">
              <domain>\(domain)</domain><displayName>Mail of \(domain)</displayName>
              \(servers)
            </emailProvider>\(oauth2 ? Self.oauth2Block : "")</clientConfig>
            """
        }

        static let oauth2Block = """
            <oAuth2><issuer>login.oauth2.test</issuer><scope>mail</scope>
              <authURL>https://login.oauth2.test/authorize</authURL><tokenURL>https://login.oauth2.test/token</tokenURL></oAuth2>
            """
    }

    static func server(_ direction: String, _ type: String, _ host: String, _ port: Int, _ socket: String, _ username: String, _ auth: [String] = ["password-cleartext"]) -> String {
        "<\(direction)Server type=\"\(type)\"><hostname>\(host)</hostname><port>\(port)</port><socketType>\(socket)</socketType>"
            + "<username>\(username)</username>" + auth.map { "<authentication>\($0)</authentication>" }.joined() + "</\(direction)Server>"
    }

    static let kinds: [Kind] = [
        Kind(domain: "imapsmtp.test", servers: server("incoming", "imap", "imap.imapsmtp.test", 993, "SSL", "%EMAILADDRESS%")
             + server("outgoing", "smtp", "smtp.imapsmtp.test", 465, "SSL", "%EMAILADDRESS%")),
        Kind(domain: "pop3only.test", servers: server("incoming", "pop3", "pop.pop3only.test", 995, "SSL", "%EMAILADDRESS%")
             + server("outgoing", "smtp", "smtp.pop3only.test", 465, "SSL", "%EMAILADDRESS%")),
        Kind(domain: "starttls.test", servers: server("incoming", "imap", "imap.starttls.test", 143, "STARTTLS", "%EMAILADDRESS%")
             + server("incoming", "pop3", "pop.starttls.test", 110, "STARTTLS", "%EMAILADDRESS%")
             + server("outgoing", "smtp", "smtp.starttls.test", 587, "STARTTLS", "%EMAILADDRESS%")),
        Kind(domain: "oauth2.test", servers: server("incoming", "imap", "imap.oauth2.test", 993, "SSL", "%EMAILADDRESS%", ["OAuth2", "password-cleartext"])
             + server("outgoing", "smtp", "smtp.oauth2.test", 465, "SSL", "%EMAILADDRESS%", ["OAuth2", "password-cleartext"]), oauth2: true),
        Kind(domain: "localpart.test", servers: server("incoming", "imap", "imap.localpart.test", 993, "SSL", "%EMAILLOCALPART%", ["password-encrypted"])
             + server("outgoing", "smtp", "smtp.localpart.test", 587, "STARTTLS", "%EMAILLOCALPART%")),
        Kind(domain: "fixeduser.test", servers: server("incoming", "imap", "imap.fixeduser.test", 993, "SSL", "shared-mailbox")
             + server("outgoing", "smtp", "smtp.fixeduser.test", 465, "SSL", "relay-user")),
    ]

    enum Route: String, CaseIterable, Sendable {
        case autoconfig, wellKnown, autodiscover

        var plugin: String { self == .autodiscover ? "autodiscover" : "autoconfig" }
        func host(_ domain: String) -> String {
            switch self {
            case .autoconfig: "autoconfig.\(domain)"
            case .wellKnown: domain
            case .autodiscover: "autodiscover.\(domain)"
            }
        }
        func url(_ domain: String) -> String {
            switch self {
            case .autoconfig: "https://autoconfig.\(domain)/mail/config-v1.1.xml"
            case .wellKnown: "https://\(domain)/.well-known/autoconfig/mail/config-v1.1.xml"
            case .autodiscover: "https://autodiscover.\(domain)/autodiscover/autodiscover.xml"
            }
        }
    }

    /// Every kind published by one service, with one certificate from the suite's CA.
    static func publishing(_ kinds: [Kind]) async throws -> RunningService {
        let directory = TestPaths.temporaryDirectory("publish-kinds")
        for kind in kinds {
            try kind.file.write(to: directory.appendingPathComponent("\(kind.domain).xml"), atomically: true, encoding: .utf8)
        }
        let pair = try TestCA.shared.issue(kinds.flatMap { [$0.domain, "autoconfig.\($0.domain)", "autodiscover.\($0.domain)"] })
        return try await RunningService(serviceConfiguration { configuration in
            configuration.tlsCertificate = pair.certificate
            configuration.tlsKey = pair.key
            configuration.publishDirectories = [directory.path]
        })
    }

    /// A lookup of `address` with the CLI's `--plugins`, where only `route`'s host reaches the
    /// service: the domain's other HTTPS and HTTP hosts are sent to a closed port.
    static func lookup(_ address: String, route: Route, service: RunningService, dns: DNSTestServer) async throws -> LookupResult {
        let domain = String(address.split(separator: "@")[1])
        var options = AutoconfOptions(plugins: [route.plugin], readsUserDirectory: false, environment: [:])
        options.caFile = TestCA.shared.caFile
        options.dnsServers = [dns.address]
        options.trustAnchor = .none
        let hosts = Route.allCases.map { $0.host(domain) }
        options.connectTo = hosts.flatMap { host in
            host == route.host(domain) ? ["\(host):443:127.0.0.1:\(service.port)", "\(host):80:127.0.0.1:1"] : ["\(host):443:127.0.0.1:1", "\(host):80:127.0.0.1:1"]
        }
        return try await Autoconf(options: options).lookup(address)
    }

    static func dnsmasq(_ kinds: [Kind]) async throws -> DNSTestServer {
        try await DNSTestServer.dnsmasq(kinds.flatMap { kind in Route.allCases.map { "host-record=\($0.host(kind.domain)),127.0.0.1" } })
    }

    /// What a server says that POX can say too: type, host, port, TLS, login name, password kind.
    struct Said: Equatable, CustomStringConvertible {
        var type: ServerType, host: String?, port: Int?, socket: SocketType?, username: String?, methods: [AuthenticationMethod]
        init(_ server: Server) {
            (type, host, port, socket, username, methods) = (server.type, server.hostname, server.port, server.socketType, server.username, server.authenticationMethods)
        }
        var description: String { "\(type) \(host ?? "-"):\(port ?? 0) \(socket.map { "\($0)" } ?? "-") \(username ?? "-") \(methods)" }
    }

    @Test(arguments: kinds)
    func everyPublishedEndpointReturnsExactlyTheFilesSettings(_ kind: Kind) async throws {
        let service = try await Self.publishing([kind])
        defer { Task { await service.stop() } }
        let dns = try await Self.dnsmasq([kind])
        defer { dns.stop() }
        let email = try EmailAddress("alice.smith@\(kind.domain)")
        let file = try ConfigXMLReader().read(kind.file, source: "file").configuration
        let expected = Placeholders(email: email).expand(file)
        for route in Route.allCases {
            let result = try await Self.lookup(email.address, route: route, service: service, dns: dns)
            let best = try #require(result.best, "\(kind.domain) \(route): \(result.reports)")
            #expect(best.trust == .trusted, "\(kind.domain) \(route)")
            #expect(best.provenance.plugin == route.plugin, "\(kind.domain) \(route)")
            #expect(best.provenance.source.hasPrefix(route.url(kind.domain)), "\(kind.domain) \(route): \(best.provenance.source)")
            let got = best.configuration
            if route == .autodiscover {
                // POX says every server, but not OAuth2: a server offering OAuth2 and a password
                // is published with the password method only (docs/publishing.md).
                func pox(_ servers: [Server]) -> [Said] {
                    servers.map { server in
                        var said = Said(server)
                        said.methods = said.methods.filter { $0 != .oauth2 }
                        return said
                    }
                }
                #expect(got.incoming.map(Said.init) == pox(expected.incoming), "\(kind.domain) \(route)")
                #expect(got.outgoing.map(Said.init) == pox(expected.outgoing), "\(kind.domain) \(route)")
                #expect(got.oauth2 == nil)
            } else {
                #expect(got.incoming == expected.incoming, "\(kind.domain) \(route)")
                #expect(got.outgoing == expected.outgoing, "\(kind.domain) \(route)")
                #expect(got.oauth2 == expected.oauth2, "\(kind.domain) \(route)")
                #expect(got.displayName == expected.displayName)
            }
        }
    }

    /// A file whose servers take OAuth2 only: config-v1.1 says so, POX cannot, so Autodiscover
    /// publishes no server rather than a wrong one, and the lookup finds nothing there.
    @Test func anOAuth2OnlyFileIsPublishedByAutoconfigAndLeftOutOfAutodiscover() async throws {
        let kind = Kind(domain: "oauthonly.test", servers: Self.server("incoming", "imap", "imap.oauthonly.test", 993, "SSL", "%EMAILADDRESS%", ["OAuth2"])
                        + Self.server("outgoing", "smtp", "smtp.oauthonly.test", 465, "SSL", "%EMAILADDRESS%", ["OAuth2"]), oauth2: true)
        let service = try await Self.publishing([kind])
        defer { Task { await service.stop() } }
        let dns = try await Self.dnsmasq([kind])
        defer { dns.stop() }
        let autoconfig = try await Self.lookup("bob@oauthonly.test", route: .autoconfig, service: service, dns: dns)
        let best = try #require(autoconfig.best, "\(autoconfig.reports)")
        #expect(best.trust == .trusted)
        #expect(best.configuration.incoming.first?.authenticationMethods == [.oauth2])
        #expect(best.configuration.oauth2?.issuer == "login.oauth2.test")
        let autodiscover = try await Self.lookup("bob@oauthonly.test", route: .autodiscover, service: service, dns: dns)
        #expect(!(autodiscover.best?.configuration.incoming.contains { $0.type == .imap } ?? false), "\(autodiscover.candidates)")
    }
}
