import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// `autoconf check` and mail server certificates near or past their end: real IMAP/SMTP servers
/// on 127.0.0.1 with certificates the test issues from the suite's CA for chosen dates.
@Suite struct CertificateExpiryTests {
    static let document = sslProviderFile("example.test")

    /// The audit of a domain whose IMAP server has a certificate valid `from`…`until` and whose
    /// SMTP server has an ordinary 30-day one.
    static func audit(imapValid validity: (notBefore: Date, notAfter: Date), expiryWarning: Duration = DomainAudit.defaultExpiryWarning) async throws -> DomainAudit {
        let server = try await HTTPTestServer.start(routes: [.answer("autoconfig.example.test", "/mail/config-v1.1.xml", body: document)])
        let dns = try await DNSTestServer.dnsmasq(DomainAuditTests.names)
        defer { dns.stop() }
        let imap = try await MailTestServer.start([.init("imaps", "imap", .implicit)], names: ["imap.example.test"], validity: validity)
        let smtp = try await MailTestServer.start([.init("smtps", "smtp", .implicit)], names: ["smtp.example.test"])
        defer { imap.stop(); smtp.stop() }
        var options = DomainAuditTests.options(server, dns)
        options.connectTo += ["imap.example.test:993:127.0.0.1:\(imap.port("imaps"))", "smtp.example.test:465:127.0.0.1:\(smtp.port("smtps"))"]
        return await DomainAudit.run(try EmailAddress("alice@example.test"), options: options,
                                     families: ClientFamily.all.filter { $0.id == "thunderbird-android" }, expiryWarning: expiryWarning)
    }

    @Test func aCertificateThatExpiresInThreeDaysIsAWarningNamingItAndWhen() async throws {
        let now = Date()
        let audit = try await Self.audit(imapValid: (now.addingTimeInterval(-86400), now.addingTimeInterval(3 * 86400 + 3600)))
        let warnings = audit.findings.filter { $0.severity == .warning && $0.message.contains("expires") }
        #expect(warnings.count == 1, "\(audit.findings)")
        let warning = try #require(warnings.first)
        #expect(warning.message.hasPrefix("imap imap.example.test:993 (SSL): the certificate for imap.example.test expires in 3 days ("), "\(warning.message)")
        #expect(warning.message.hasSuffix(" UTC)"))
        #expect(warning.fix.hasPrefix("renew the certificate for imap.example.test before "))
        // The 30-day SMTP certificate is not mentioned; a warning alone keeps the exit code 0.
        #expect(!audit.findings.contains { $0.message.contains("smtp.example.test") && $0.message.contains("expires") })
        #expect(audit.consistent, "\(audit.findings)")
    }

    @Test func theWindowIsAnOption() async throws {
        let now = Date()
        let validity = (now.addingTimeInterval(-86400), now.addingTimeInterval(3 * 86400 + 3600))
        let off = try await Self.audit(imapValid: validity, expiryWarning: .zero)
        #expect(!off.findings.contains { $0.message.contains("expires") }, "\(off.findings)")
        let narrow = try await Self.audit(imapValid: validity, expiryWarning: .seconds(2 * 86400))
        #expect(!narrow.findings.contains { $0.message.contains("expires") }, "\(narrow.findings)")
        // With a 40-day window the 30-day SMTP certificate is named too.
        let wide = try await Self.audit(imapValid: validity, expiryWarning: .seconds(40 * 86400))
        #expect(wide.findings.contains { $0.message.hasPrefix("smtp smtp.example.test:465 (SSL): the certificate for smtp.example.test expires in 2") }, "\(wide.findings)")
    }

    @Test func anExpiredCertificateIsAProblem() async throws {
        let now = Date()
        let audit = try await Self.audit(imapValid: (now.addingTimeInterval(-10 * 86400), now.addingTimeInterval(-86400)))
        let problems = audit.findings.filter { $0.severity == .problem }.map(\.message)
        #expect(problems.contains("imap imap.example.test:993 (SSL): certificate problem: certificate has expired"), "\(problems)")
        #expect(!audit.consistent)
    }
}
