import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// `autoconf check`'s engine against domains built broken in one way each: a real HTTPS server
/// with the suite's CA for autoconfig/Autodiscover and a real DNS server for SRV.
@Suite struct DomainAuditTests {
    static func options(_ server: HTTPTestServer, _ dns: DNSTestServer) -> AutoconfOptions {
        var options = server.options(timeout: .seconds(6))
        options.dnsServers = [dns.address]
        // dnsmasq serves .test unsigned under a root that has no .test: knowingly unvalidated.
        options.trustAnchor = .none
        return options
    }

    static let names = ["host-record=autoconfig.example.test,127.0.0.1", "host-record=example.test,127.0.0.1",
                        "host-record=autodiscover.example.test,127.0.0.1", "host-record=ispdb.test,127.0.0.1",
                        "host-record=outlook.office365.test,127.0.0.1"]

    @Test func sourcesThatDisagreeAndMissingRecordsAreNamedWithTheirFix() async throws {
        let server = try await HTTPTestServer.start(routes: [
            .answer("autoconfig.example.test", "/mail/config-v1.1.xml", body: TestDocuments.config(imap: "imap.example.test", smtp: "smtp.example.test")),
        ])
        let dns = try await DNSTestServer.dnsmasq(Self.names + [
            "srv-host=_imap._tcp.example.test,imap.example.test,143,0,1",
            "srv-host=_submission._tcp.example.test,smtp.example.test,587,0,1",
        ])
        defer { dns.stop() }
        let audit = await DomainAudit.run(try EmailAddress("alice@example.test"), options: Self.options(server, dns))
        let byFamily = Dictionary(uniqueKeysWithValues: audit.rows.map { ($0.family.id, $0) })
        #expect(byFamily["thunderbird"]?.setup?.incoming == "imap imap.example.test:993 SSL")
        #expect(byFamily["thunderbird-android"]?.setup?.incoming == "imap imap.example.test:993 SSL")
        #expect(byFamily["rfc6186"]?.setup?.incoming == "imap imap.example.test:143 STARTTLS")
        #expect(byFamily["outlook"]?.setup == nil)
        let messages = audit.findings.map(\.message)
        #expect(messages.contains("autoconfig says imap imap.example.test:993 SSL + smtp smtp.example.test:465 SSL, srv says imap imap.example.test:143 STARTTLS + smtp smtp.example.test:587 STARTTLS"), "\(messages)")
        #expect(messages.contains("Outlook: no settings found"))
        #expect(messages.contains("imap imap.example.test:993 (SSL): imap.example.test does not resolve"), "\(messages)")
        #expect(messages.contains { $0.hasPrefix("no Autodiscover answer") }, "\(messages)")
        #expect(audit.findings.allSatisfy { !$0.fix.isEmpty })
        #expect(!audit.consistent)
    }

    @Test func plainHTTPAutoconfigIsAProblem() async throws {
        let server = try await HTTPTestServer.start(routes: [
            .answer("autoconfig.example.test", "/mail/config-v1.1.xml", scheme: "http", body: TestDocuments.config(imap: "imap.example.test")),
        ])
        let dns = try await DNSTestServer.dnsmasq(Self.names)
        defer { dns.stop() }
        let audit = await DomainAudit.run(try EmailAddress("alice@example.test"), options: Self.options(server, dns),
                                          families: ClientFamily.all.filter { ["thunderbird", "thunderbird-android"].contains($0.id) })
        #expect(audit.rows[0].setup?.incoming == "imap imap.example.test:993 SSL")
        #expect(audit.rows[1].setup == nil, "HTTPS-only clients never read the plain-HTTP document")
        #expect(audit.findings.contains { $0.severity == .problem && $0.message.hasPrefix("autoconfig: reached over plain HTTP") }, "\(audit.findings)")
        #expect(audit.findings.contains { $0.message == "Thunderbird for Android / K-9: no settings found" })
    }

    @Test func aDomainPublishingTheSameEverywhereIsConsistent() async throws {
        let document = TestDocuments.config(imap: "imap.example.test", smtp: "smtp.example.test")
        // Autodiscover answers what the publisher would answer for the same file.
        let configuration = try ConfigXMLReader().read(document, source: "test").configuration
        let pox = AutodiscoverResponseWriter.settings(Placeholders(email: try EmailAddress("alice@example.test")).expand(configuration))
        let server = try await HTTPTestServer.start(routes: [
            .answer("autoconfig.example.test", "/mail/config-v1.1.xml", body: document),
            .answer("autodiscover.example.test", "/autodiscover/autodiscover.xml", method: "POST", body: pox),
        ])
        let dns = try await DNSTestServer.dnsmasq(Self.names + [
            "srv-host=_imaps._tcp.example.test,imap.example.test,993,0,1",
            "srv-host=_submissions._tcp.example.test,smtp.example.test,465,0,1",
        ])
        defer { dns.stop() }
        let mail = try await MailTestServer.start([.init("imaps", "imap", .implicit), .init("smtps", "smtp", .implicit)], names: ["imap.example.test", "smtp.example.test"])
        defer { mail.stop() }
        var options = Self.options(server, dns)
        options.connectTo += ["imap.example.test:993:127.0.0.1:\(mail.port("imaps"))", "smtp.example.test:465:127.0.0.1:\(mail.port("smtps"))"]
        let audit = await DomainAudit.run(try EmailAddress("alice@example.test"), options: options,
                                          families: ClientFamily.all.filter { $0.id != "apple" && $0.id != "deltachat" })
        for row in audit.rows {
            #expect(row.setup?.description == "imap imap.example.test:993 SSL + smtp smtp.example.test:465 SSL", "\(row.family.name): \(row.setup?.description ?? "nothing")")
        }
        #expect(audit.findings.filter { $0.severity == .problem } == [], "\(audit.findings)")
        #expect(audit.consistent)
    }

    @Test func mailServersAreCheckedAsClientsConnect() async throws {
        let document = """
            <clientConfig version="1.1"><emailProvider id="example.test"><domain>example.test</domain>
              <incomingServer type="imap"><hostname>imap.example.test</hostname><port>993</port><socketType>SSL</socketType>
                <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
              <outgoingServer type="smtp"><hostname>smtp.example.test</hostname><port>587</port><socketType>STARTTLS</socketType>
                <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
            </emailProvider></clientConfig>
            """
        let server = try await HTTPTestServer.start(routes: [.answer("autoconfig.example.test", "/mail/config-v1.1.xml", body: document)])
        let dns = try await DNSTestServer.dnsmasq(Self.names)
        defer { dns.stop() }
        // IMAP with a certificate of a CA nobody trusts; submission without STARTTLS.
        let rogue = try await MailTestServer.start([.init("imaps", "imap", .implicit)], names: ["imap.example.test"], ca: .rogue)
        let plain = try await MailTestServer.start([.init("submission", "smtp", .plain)], names: ["smtp.example.test"])
        defer { rogue.stop(); plain.stop() }
        var options = Self.options(server, dns)
        options.connectTo += ["imap.example.test:993:127.0.0.1:\(rogue.port("imaps"))", "smtp.example.test:587:127.0.0.1:\(plain.port("submission"))"]
        let audit = await DomainAudit.run(try EmailAddress("alice@example.test"), options: options,
                                          families: ClientFamily.all.filter { $0.id == "thunderbird-android" })
        let messages = audit.findings.filter { $0.severity == .problem }.map(\.message)
        #expect(messages.contains { $0.hasPrefix("imap imap.example.test:993 (SSL): certificate problem:") }, "\(messages)")
        #expect(messages.contains("smtp smtp.example.test:587 (STARTTLS): the server does not offer STARTTLS"), "\(messages)")
        #expect(!audit.consistent)
    }
}
