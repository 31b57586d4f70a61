import AutoconfKit
import AutoconfTestSupport
import Testing

@Suite struct ManualSettingsTests {
    let email = try! EmailAddress("bob@example.com")

    @Test(arguments: [
        ("mail.example.com", "mail.example.com", nil),
        ("mail.example.com:993", "mail.example.com", 993),
        ("my.mail.server: 993", "my.mail.server", 993),
        ("  Mail.Example.COM:143 ", "mail.example.com", 143),
        ("[::1]:993", "::1", 993),
        ("[2001:db8::1]", "2001:db8::1", nil),
        ("192.0.2.7:587", "192.0.2.7", 587),
        ("müller.de:993", "xn--mller-kva.de", 993),
    ] as [(String, String, Int?)])
    func parsesHostAndPort(input: String, host: String, port: Int?) throws {
        let address = try ServerAddress.parse(input, field: "--imap")
        #expect(address.host == host)
        #expect(address.port == port)
    }

    @Test(arguments: [
        ("", "empty"), ("mail.example.com:", "missing"), ("mail.example.com:0", "1 to 65535"),
        ("mail.example.com:70000", "1 to 65535"), ("mail.example.com:99x", "1 to 65535"), ("::1:993", "brackets"),
        ("[::1", "']'"), ("[mail.example.com]:993", "not an IPv6"), ("imaps://mail.example.com", "scheme"),
        ("a;touch /tmp/x", "character"), ("$(reboot)", "character"), ("mail\nexample.com", "control"),
    ])
    func rejectsWithTheFieldNamed(input: String, fragment: String) {
        #expect {
            try ServerAddress.parse(input, field: "--smtp")
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("--smtp ") && text.contains(fragment) && !text.contains("\n")
        }
    }

    @Test func securityAndUsernameErrorsNameTheirField() {
        #expect(throws: ManualSettingsError.self) { try ManualSettings.parse(security: "tls1.3", fieldNames: ["security": "--security"]) }
        do {
            _ = try ManualSettings.parse(security: "nope", fieldNames: ["security": "--security"])
        } catch { #expect(error.description.hasPrefix("--security 'nope'")) }
        do {
            _ = try ManualSettings.parse(username: "a\nb", fieldNames: ["username": "--username"])
        } catch { #expect(error.description.hasPrefix("--username")) }
    }

    @Test func givenValuesWinTheRestComesFromDiscoveryOrStandardPorts() throws {
        let discovered = EmailConfiguration(
            domains: ["example.com"],
            incoming: [Server(type: .imap, hostname: "imap.example.com", port: 993, socketType: .ssl, authentication: [Authentication(.passwordEncrypted)], username: "bob")],
            outgoing: [Server(type: .smtp, hostname: "smtp.example.com", port: 465, socketType: .ssl, username: "bob")])
        // Only the SMTP host given: port and security from the standard, username from discovery.
        let smtpOnly = try ManualSettings.parse(smtp: "relay.example.net").apply(to: discovered, email: email)
        #expect(smtpOnly.incoming == discovered.incoming)
        #expect(smtpOnly.outgoing.first?.hostname == "relay.example.net")
        #expect(smtpOnly.outgoing.first?.port == 465)
        #expect(smtpOnly.outgoing.first?.socketType == .ssl)
        #expect(smtpOnly.outgoing.first?.username == "bob")
        // STARTTLS given: the standard STARTTLS port.
        let startTLS = try ManualSettings.parse(imap: "imap.example.com", smtp: "smtp.example.com", security: "starttls").apply(to: discovered, email: email)
        #expect(startTLS.incoming.first?.port == 143)
        #expect(startTLS.outgoing.first?.port == 587)
        #expect(startTLS.incoming.first?.authentication.first?.method == .passwordEncrypted)
        // A port that is the implicit-TLS standard implies SSL.
        let byPort = try ManualSettings.parse(imap: "other.example.org:993").apply(to: nil, email: email)
        #expect(byPort.incoming.first?.socketType == .ssl)
        #expect(byPort.incoming.first?.username == "bob@example.com")
        #expect(byPort.outgoing.isEmpty)
        // Username and security without hosts apply to the discovered servers.
        let overridden = try ManualSettings.parse(security: "starttls", username: "%EMAILADDRESS%").apply(to: discovered, email: email)
        #expect(overridden.incoming.first?.port == 143)
        #expect(overridden.incoming.first?.username == "bob@example.com")
    }

    @Test func completeSettingsSkipDiscoveryAndArePlainOnlyWithConfirm() async throws {
        var options = AutoconfOptions(plugins: ["bundled"], readsUserDirectory: false)
        options.manual = try ManualSettings.parse(imap: "[::1]:143", smtp: "localhost:25", security: "plain")
        let result = try await Autoconf(options: options).lookup("bob@example.com")
        let best = try #require(result.best)
        #expect(best.provenance.channel == .manual)
        #expect(best.configuration.incoming.first?.hostname == "::1")
        #expect(best.trust.level == .confirm)
        #expect(best.trust.reasons.contains(.unencrypted))
        #expect(result.reports.isEmpty)
    }

    @Test func mergesIntoADiscoveredAnswer() async throws {
        var options = AutoconfOptions(plugins: ["bundled"], readsUserDirectory: false)
        options.manual = try ManualSettings.parse(smtp: "smtp.example.net:2525", username: "someone")
        let result = try await Autoconf(options: options).lookup("someone@gmail.com")
        let best = try #require(result.best)
        #expect(best.configuration.incoming.first?.hostname == "imap.gmail.com")
        #expect(best.configuration.incoming.first?.username == "someone")
        #expect(best.configuration.outgoing.map(\.hostname) == ["smtp.example.net"])
        #expect(best.configuration.outgoing.first?.port == 2525)
        #expect(best.provenance.source.hasSuffix("+ manual settings"))
    }
}
