import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// `autoconf check --expiry-warning DAYS` end to end: an IMAP server whose certificate (from the
/// suite's CA) expires in three days.
@Suite struct CheckExpiryCLITests {
    @Test func aCertificateExpiringSoonIsAWarningAndTheWindowIsAnOption() async throws {
        let document = sslProviderFile("example.test")
        let server = try await HTTPTestServer.start(routes: [.answer("autoconfig.example.test", "/mail/config-v1.1.xml", body: document)])
        let dns = try await DNSTestServer.dnsmasq(DomainAuditNames.lines)
        defer { dns.stop() }
        let now = Date()
        let imap = try await MailTestServer.start([.init("imaps", "imap", .implicit)], names: ["imap.example.test"],
                                                  validity: (now.addingTimeInterval(-86400), now.addingTimeInterval(3 * 86400 + 3600)))
        let smtp = try await MailTestServer.start([.init("smtps", "smtp", .implicit)], names: ["smtp.example.test"])
        defer { imap.stop(); smtp.stop() }
        var arguments = ["check", "alice@example.test", "--client", "thunderbird-android", "--dns-server", dns.address, "--trust-anchor", "none",
                         "--ca-file", TestCA.shared.caFile, "--timeout", "6", "--ispdb-url", "https://ispdb.test/v1.1/",
                         "--connect-to", "imap.example.test:993:127.0.0.1:\(imap.port("imaps"))", "--connect-to", "smtp.example.test:465:127.0.0.1:\(smtp.port("smtps"))"]
        for mapping in server.connectTo { arguments += ["--connect-to", mapping] }
        let warned = try await runCommandAsync(TestPaths.autoconfBinary.path, arguments, environment: CLITests.environment())
        #expect(warned.status == 0, "\(warned.stdout)\(warned.stderr)")
        #expect(warned.stdout.contains("warning: imap imap.example.test:993 (SSL): the certificate for imap.example.test expires in 3 days ("), "\(warned.stdout)")
        #expect(warned.stdout.contains("  fix: renew the certificate for imap.example.test before "))
        let json = try await runCommandAsync(TestPaths.autoconfBinary.path, arguments + ["--json"], environment: CLITests.environment())
        #expect(json.stdout.contains("expires in 3 days"))
        let off = try await runCommandAsync(TestPaths.autoconfBinary.path, arguments + ["--expiry-warning", "0"], environment: CLITests.environment())
        #expect(off.status == 0)
        #expect(!off.stdout.contains("expires"), "\(off.stdout)")
    }
}
