import AutoconfKit
import AutoconfTestSupport
import Testing

@Suite struct PlaceholderTests {
    let email = try! EmailAddress("Jo.Doe@Example.com")

    @Test func replacesEveryPlaceholder() {
        let placeholders = Placeholders(email: email, realName: "Jo Doe")
        #expect(placeholders.expand("%EMAILADDRESS%") == "Jo.Doe@example.com")
        #expect(placeholders.expand("%EMAILLOCALPART%") == "Jo.Doe")
        #expect(placeholders.expand("mail.%EMAILDOMAIN%") == "mail.example.com")
        #expect(placeholders.expand("%REALNAME% <%EMAILADDRESS%>") == "Jo Doe <Jo.Doe@example.com>")
        #expect(placeholders.expand("no placeholders") == "no placeholders")
        #expect(placeholders.expand("%UNKNOWN%") == "%UNKNOWN%")
    }

    @Test func expandsEveryServerIncludingOutgoingAlternatives() {
        let configuration = EmailConfiguration(
            domains: ["example.com"], displayName: "%EMAILDOMAIN% mail",
            incoming: [
                Server(type: .imap, hostname: "imap.%EMAILDOMAIN%", port: 993, socketType: .ssl, username: "%EMAILADDRESS%"),
                Server(type: .pop3, hostname: "pop.%EMAILDOMAIN%", port: 995, socketType: .ssl, username: "%EMAILLOCALPART%"),
            ],
            outgoing: [
                Server(type: .smtp, hostname: "smtp.%EMAILDOMAIN%", port: 465, socketType: .ssl, username: "%EMAILADDRESS%"),
                Server(type: .smtp, hostname: "smtp2.%EMAILDOMAIN%", port: 587, socketType: .startTLS, username: "%EMAILLOCALPART%"),
            ],
            instructions: [Instruction(kind: .enable, url: "https://%EMAILDOMAIN%/settings", texts: ["": "Log in as %EMAILADDRESS%"])])
        let expanded = Placeholders(email: email).expand(configuration)
        #expect(expanded.displayName == "example.com mail")
        #expect(expanded.incoming.map(\.hostname) == ["imap.example.com", "pop.example.com"])
        #expect(expanded.incoming.map(\.username) == ["Jo.Doe@example.com", "Jo.Doe"])
        #expect(expanded.outgoing.map(\.hostname) == ["smtp.example.com", "smtp2.example.com"])
        #expect(expanded.outgoing.map(\.username) == ["Jo.Doe@example.com", "Jo.Doe"])
        #expect(expanded.instructions[0].url == "https://example.com/settings")
        #expect(expanded.instructions[0].text == "Log in as Jo.Doe@example.com")
    }

    @Test func missingOrEmptyUsernameStaysAbsent() {
        let placeholders = Placeholders(email: email)
        #expect(placeholders.expandUsername(nil) == nil)
        #expect(placeholders.expandUsername("") == nil)
        #expect(placeholders.expandUsername("%REALNAME%") == nil)
        let server = placeholders.expand(Server(type: .imap, hostname: "h.example.com", port: 993, socketType: .ssl))
        #expect(server.username == nil)
    }

    @Test func internationalDomainsExpandToALabels() throws {
        let placeholders = Placeholders(email: try EmailAddress("anna@bücher.example"))
        #expect(placeholders.expand("imap.%EMAILDOMAIN%") == "imap.xn--bcher-kva.example")
    }

    @Test func resolverExpandsAndRejectsHostnamesThatBecomeInvalid() async throws {
        // %EMAILLOCALPART% in a hostname with a '+' in the local part yields an invalid name: dropped.
        let configuration = EmailConfiguration(
            domains: ["example.com"],
            incoming: [
                Server(type: .imap, hostname: "%EMAILLOCALPART%.example.com", port: 993, socketType: .ssl),
                Server(type: .imap, hostname: "imap.%EMAILDOMAIN%", port: 993, socketType: .ssl, username: "%EMAILADDRESS%"),
            ],
            outgoing: [Server(type: .smtp, hostname: "smtp.%EMAILDOMAIN%", port: 465, socketType: .ssl, username: "%EMAILADDRESS%")])
        let plugin = FixedPlugin(name: "fixed", candidates: [Candidate(configuration: configuration, trust: .trusted, provenance: .test("fixed"))])
        let result = await Resolver(plugins: [plugin]).lookup(LookupQuery(email: try EmailAddress("a+b@example.com")))
        let best = try #require(result.best)
        #expect(best.configuration.incoming.map(\.hostname) == ["imap.example.com"])
        #expect(best.configuration.incoming[0].username == "a+b@example.com")
        #expect(best.configuration.outgoing[0].username == "a+b@example.com")
    }
}
