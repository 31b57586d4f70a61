import AutoconfKit
@testable import AutoconfService
import AutoconfTestSupport
import Foundation
import Testing

/// `autoconf serve --publish DIR` end to end: the service on 127.0.0.1 with HTTPS from the
/// suite's CA, asked by autoconf's own lookups (as Thunderbird and Outlook ask) and by curl.
@Suite struct PublishRouteTests {
    static let provider = """
        <clientConfig version="1.1"><emailProvider id="example.test">
          <domain>example.test</domain><displayName>Example Mail</displayName>
          <incomingServer type="imap"><hostname>imap.example.test</hostname><port>993</port><socketType>SSL</socketType>
            <username>%EMAILLOCALPART%</username><authentication>password-cleartext</authentication></incomingServer>
          <incomingServer type="pop3"><hostname>pop.example.test</hostname><port>995</port><socketType>SSL</socketType>
            <username>%EMAILLOCALPART%</username><authentication>password-cleartext</authentication></incomingServer>
          <outgoingServer type="smtp"><hostname>smtp.example.test</hostname><port>587</port><socketType>STARTTLS</socketType>
            <username>%EMAILLOCALPART%</username><authentication>password-cleartext</authentication></outgoingServer>
        </emailProvider></clientConfig>
        """

    static func publishing() async throws -> (RunningService, String) {
        let directory = TestPaths.temporaryDirectory("publish-dir")
        try provider.write(to: directory.appendingPathComponent("example.test.xml"), atomically: true, encoding: .utf8)
        let pair = try TestCA.shared.issue(HTTPTestServer.certificateNames)
        let service = try await RunningService(serviceConfiguration { configuration in
            configuration.tlsCertificate = pair.certificate
            configuration.tlsKey = pair.key
            configuration.publishDirectories = [directory.path]
        })
        return (service, directory.path)
    }

    @Test func lookupsAgainstThePublishedEndpointsReturnTheFilesSettingsTrusted() async throws {
        let (service, _) = try await Self.publishing()
        defer { Task { await service.stop() } }
        let dns = try await DNSTestServer.dnsmasq(["host-record=autoconfig.example.test,127.0.0.1", "host-record=autodiscover.example.test,127.0.0.1",
                                                   "host-record=example.test,127.0.0.1"])
        defer { dns.stop() }
        let expected = try ConfigXMLReader().read(Self.provider, source: "file").configuration
        for plugins in [["autoconfig"], ["autodiscover"]] {
            var options = AutoconfOptions(plugins: plugins, readsUserDirectory: false, environment: [:])
            options.caFile = TestCA.shared.caFile
            options.connectTo = [":443:127.0.0.1:\(service.port)"]
            options.dnsServers = [dns.address]
            options.trustAnchor = .none
            let result = try await Autoconf(options: options).lookup("alice@example.test")
            let best = try #require(result.best, "\(plugins): \(result.reports)")
            #expect(best.trust == .trusted, "\(plugins)")
            #expect(best.provenance.plugin == plugins[0])
            let servers = best.configuration.incoming.map(\.endpoint) + best.configuration.outgoing.map(\.endpoint)
            #expect(servers == ["imap.example.test:993", "pop.example.test:995", "smtp.example.test:587"], "\(plugins)")
            #expect(best.configuration.incoming.map(\.socketType) == expected.incoming.map(\.socketType))
            #expect(best.configuration.outgoing.first?.socketType == .startTLS)
            #expect(best.configuration.incoming.first?.username == "alice", "\(plugins)")
        }
    }

    @Test func otherHostsAndHostileRequestsGetAClean4xx() async throws {
        let (service, _) = try await Self.publishing()
        defer { Task { await service.stop() } }
        let base = "https://127.0.0.1:\(service.port)"
        let ca = ["--cacert", TestCA.shared.caFile]
        func ask(_ path: String, host: String, method: String = "GET", body: String? = nil) async throws -> HTTPExchange {
            try await curl(base.replacingOccurrences(of: "127.0.0.1", with: host) + path, method: method, body: body, contentType: "text/xml",
                           extra: ca + ["--connect-to", "\(host):\(service.port):127.0.0.1:\(service.port)"])
        }
        let good = try await ask("/mail/config-v1.1.xml?emailaddress=alice%40example.test", host: "autoconfig.example.test")
        #expect(good.status == 200)
        #expect(good.headers["content-type"] == "text/xml; charset=utf-8")
        #expect(good.body.contains("imap.example.test"))
        #expect(try await ask("/mail/config-v1.1.xml", host: "autoconfig.other.test").status == 404)
        #expect(try await ask("/mail/config-v1.1.xml?emailaddress=..%2F..%2Fetc%2Fpasswd", host: "autoconfig.example.test").status == 400)
        let xxe = "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Autodiscover><Request><EMailAddress>&x;</EMailAddress></Request></Autodiscover>"
        #expect(try await ask("/autodiscover/autodiscover.xml", host: "autodiscover.example.test", method: "POST", body: xxe).status == 400)
        let huge = String(repeating: "<a>", count: 20_000)
        #expect(try await ask("/autodiscover/autodiscover.xml", host: "autodiscover.example.test", method: "POST", body: huge).status == 413)
        // The API still answers on the same listener.
        #expect(try await ask("/healthz", host: "autoconfig.example.test").status == 200)
    }
}
