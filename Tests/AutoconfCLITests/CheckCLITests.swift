import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// `autoconf check` end to end: the binary against a real HTTPS server and a real DNS server.
@Suite struct CheckCLITests {
    @Test func aBrokenDomainIsReportedWithFixesAndExitOne() async throws {
        let server = try await HTTPTestServer.start(routes: [
            .answer("autoconfig.example.test", "/mail/config-v1.1.xml", body: TestDocuments.config(imap: "imap.example.test", smtp: "smtp.example.test")),
        ])
        let dns = try await DNSTestServer.dnsmasq(DomainAuditNames.lines + ["srv-host=_imap._tcp.example.test,imap.example.test,143,0,1",
                                                                              "srv-host=_submission._tcp.example.test,smtp.example.test,587,0,1"])
        defer { dns.stop() }
        var arguments = ["check", "example.test", "--dns-server", dns.address, "--trust-anchor", "none", "--ca-file", TestCA.shared.caFile, "--timeout", "6",
                         "--ispdb-url", "https://ispdb.test/v1.1/", "--office365-url", "https://outlook.office365.test"]
        for mapping in server.connectTo { arguments += ["--connect-to", mapping] }
        let text = try await runCommandAsync(TestPaths.autoconfBinary.path, arguments, environment: CLITests.environment())
        #expect(text.status == 1, "\(text.stderr)")
        #expect(text.stdout.contains("Thunderbird (desktop)"))
        #expect(text.stdout.contains("problem: autoconfig says imap imap.example.test:993 SSL"))
        #expect(text.stdout.contains("  fix: "))
        let json = try await runCommandAsync(TestPaths.autoconfBinary.path, arguments + ["--json", "--client", "thunderbird", "--client", "rfc6186"], environment: CLITests.environment())
        #expect(json.status == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(document["schemaVersion"] as? Int == 1)
        #expect(document["consistent"] as? Bool == false)
        let clients = try #require(document["clients"] as? [[String: Any]])
        #expect(clients.map { $0["client"] as? String } == ["thunderbird", "rfc6186"])
        #expect(clients.last?["incoming"] as? String == "imap imap.example.test:143 STARTTLS")
    }

    @Test func badInputIsOneLine() async throws {
        for arguments in [["check", "not a domain"], ["check", "example.test", "--client", "nope"], ["check", "example.test", "--timeout", "0"],
                          ["check", "example.test", "--dns-server", "x"], ["check", "example.test", "--expiry-warning", "-1"]] {
            let result = try await runCommandAsync(TestPaths.autoconfBinary.path, arguments, environment: CLITests.environment())
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
        }
    }
}

enum DomainAuditNames {
    static let lines = ["host-record=autoconfig.example.test,127.0.0.1", "host-record=example.test,127.0.0.1",
                        "host-record=autodiscover.example.test,127.0.0.1", "host-record=ispdb.test,127.0.0.1",
                        "host-record=outlook.office365.test,127.0.0.1"]
}
