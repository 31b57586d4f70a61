import AutoconfKit
import AutoconfTestSupport
import Testing

/// Gmail, Office365 and MX plugins through the real Resolver and the c-ares resolver on dnsmasq.
@Suite struct HosterPluginTests {
    @Test func gmailByNameIsTrusted() async throws {
        let dns = try await DNSTestServer.dnsmasq([])
        let result = try await resolve("a@googlemail.com", plugins: [GmailPlugin()], dns: dns)
        #expect(result.best?.trust == .trusted)
        #expect(result.incomingHost == "imap.gmail.com")
        #expect(result.best?.configuration.oauth2?.issuer == "accounts.google.com")
        #expect(result.best?.configuration.oauth2?.tokenURL == "https://www.googleapis.com/oauth2/v3/token")
    }

    @Test func workspaceDomainFoundByMX() async throws {
        let dns = try await DNSTestServer.dnsmasq([
            "mx-host=workspace.test,aspmx.l.google.com,1", "mx-host=workspace.test,alt1.aspmx.l.google.com,5",
            "mx-host=old.test,aspmx2.googlemail.com,1",
            "mx-host=fake.test,aspmx.l.google.com.evil.test,1", "mx-host=other.test,mx.other.test,1",
        ])
        let result = try await resolve("a@workspace.test", plugins: [GmailPlugin()], dns: dns)
        #expect(result.incomingHost == "imap.gmail.com")
        #expect(result.best?.trust == .confirm(.unsignedDNS, .heuristic, .crossDomain))
        #expect(result.best?.provenance.channel == .dns)
        #expect(result.best?.provenance.dnssecAuthenticated == false)
        #expect(result.best?.configuration.oauth2?.scope == "https://mail.google.com/")

        #expect(try await resolve("a@old.test", plugins: [GmailPlugin()], dns: dns).found)
        let fake = try await resolve("a@fake.test", plugins: [GmailPlugin()], dns: dns)
        #expect(!fake.found)
        #expect(fake.report("gmail")?.status == .notFound)
        #expect(!(try await resolve("a@other.test", plugins: [GmailPlugin()], dns: dns)).found)
    }

    @Test func workspaceWithSignedMXIsTrusted() async throws {
        let dns = try await DNSTestServer.signed(["signed.test": ["MX": [[1, "smtp.google.com"]]]])
        let forged = try await resolve("a@signed.test", plugins: [GmailPlugin()], dns: dns)
        #expect(forged.best?.trust.level == .confirm)
        let result = try await resolve("a@signed.test", plugins: [GmailPlugin()], dns: dns, trustResolverAD: true)
        #expect(result.best?.trust == .trusted)
        #expect(result.best?.provenance.dnssecAuthenticated == true)
    }

    @Test func microsoftConsumerDomainsAreExact() async throws {
        let dns = try await DNSTestServer.dnsmasq([])
        let result = try await resolve("a@hotmail.co.uk", plugins: [Office365Plugin()], dns: dns)
        #expect(result.best?.trust == .trusted)
        #expect(result.outgoingHost == "smtp-mail.outlook.com")
        #expect(result.best?.configuration.oauth2?.authURL?.contains("/consumers/") == true)
        // A look-alike is not Microsoft's (and resolves to nothing here).
        #expect(!(try await resolve("a@outlook.evil.test", plugins: [Office365Plugin()], dns: dns)).found)
    }

    @Test func microsoft365TenantByMXAndByTenantCheck() async throws {
        let dns = try await DNSTestServer.dnsmasq([
            "mx-host=contoso.test,contoso-test.mail.protection.outlook.com,0",
            "mx-host=fabrikam.test,mx.fabrikam.test,10",
            "mx-host=bad.test,a.b.mail.protection.outlook.com,0",
            "txt-record=fabrikam.test,MS=ms12345678",
            "mx-host=nohint.test,mx.nohint.test,10",
        ])
        let result = try await resolve("a@contoso.test", plugins: [Office365Plugin()], dns: dns)
        #expect(result.outgoingHost == "smtp.office365.com")
        #expect(result.incomingHost == "outlook.office365.com")
        #expect(result.best?.configuration.incoming.contains { $0.type == .ews && $0.url == "https://outlook.office365.com/EWS/Exchange.asmx" } == true)
        #expect(result.best?.configuration.incoming.contains { $0.type == .graph } == true)
        #expect(result.best?.configuration.oauth2?.scope?.contains("EWS.AccessAsUser.All") == true)
        // outlook.com is another registrable domain than contoso.test: unsigned, that is cross-domain.
        #expect(result.best?.trust == .confirm(.unsignedDNS, .heuristic, .crossDomain))

        #expect(!(try await resolve("a@bad.test", plugins: [Office365Plugin()], dns: dns)).found)
        #expect(!(try await resolve("a@fabrikam.test", plugins: [Office365Plugin()], dns: dns)).found)
        let asked = EventLog()
        let check: Office365Plugin.TenantCheck = { email, _ in asked.append(email.domain); return true }
        let viaAutodiscover = try await resolve("a@fabrikam.test", plugins: [Office365Plugin(tenantCheck: check)], dns: dns)
        #expect(viaAutodiscover.outgoingHost == "smtp.office365.com")
        #expect(viaAutodiscover.best?.trust == .confirm(.heuristic))
        // Without a Microsoft hint in the domain's own DNS the address is never sent to Microsoft.
        #expect(!(try await resolve("a@nohint.test", plugins: [Office365Plugin(tenantCheck: check)], dns: dns)).found)
        #expect(asked.entries == ["fabrikam.test"])
    }

    @Test func mxPluginAsksHosterAutoconfigAndISPDBInDraftOrder() async throws {
        let dns = try await DNSTestServer.dnsmasq([
            "mx-host=customer.test,mx1.mail.hoster.test,10", "mx-host=customer.test,mx2.mail.hoster.test,20",
            "mx-host=self.test,mx.self.test,10",
        ])
        let http = TableHTTP([
            "https://autoconfig.hoster.test/mail/config-v1.1.xml?emailaddress=a%40customer.test": configXML(id: "hoster.test", imap: "imap.hoster.test", smtp: "smtp.hoster.test"),
            "https://ispdb.test/v1.1/mail.hoster.test": configXML(id: "mail.hoster.test", imap: "imap.mail.hoster.test", smtp: "smtp.mail.hoster.test"),
        ])
        let plugin = MXPlugin(ispdbBaseURL: "https://ispdb.test/v1.1/")
        let result = try await resolve("a@customer.test", plugins: [plugin], dns: dns, http: http)
        #expect(Set(http.requested) == [
            "https://autoconfig.mail.hoster.test/mail/config-v1.1.xml?emailaddress=a%40customer.test",
            "https://autoconfig.hoster.test/mail/config-v1.1.xml?emailaddress=a%40customer.test",
            "https://ispdb.test/v1.1/mail.hoster.test", "https://ispdb.test/v1.1/hoster.test",
        ])
        // autoconfig of %MXBASEDOMAIN% (step 3.2) ranks above the ISPDB (3.3).
        #expect(result.incomingHost == "imap.hoster.test")
        // The ISPDB's answer ranks below it; the race may stop before it is kept (early stop).
        #expect(Set(result.candidates.map(\.configuration.incoming.first?.hostname)).isSubset(of: ["imap.hoster.test", "imap.mail.hoster.test"]))
        #expect(result.best?.trust == .confirm(.unsignedDNS, .crossDomain))
        #expect(result.best?.provenance.dnssecAuthenticated == false)
        // The hoster's autoconfig was asked with the address (per user); its ISPDB entry was not.
        #expect(result.candidates.first?.provenance.askedWithAddress == true)
        #expect(result.candidates.dropFirst().allSatisfy { !$0.provenance.askedWithAddress })

        // The MX inside the email domain adds nothing to ask.
        let own = TableHTTP([:])
        let selfHosted = try await resolve("a@self.test", plugins: [plugin], dns: dns, http: own)
        #expect(!selfHosted.found)
        #expect(own.requested.isEmpty)
    }

    @Test func mxPluginWithoutHTTPStillKnowsTheBigHosters() async throws {
        let dns = try await DNSTestServer.dnsmasq([
            "mx-host=shop.test,alt2.aspmx.l.google.com,5", "mx-host=firm.test,firm-test.mail.protection.outlook.com,0",
            "mx-host=small.test,mx.hoster.test,10", "mx-host=nomail.test,.,0",
        ])
        #expect(try await resolve("a@shop.test", plugins: [MXPlugin()], dns: dns).incomingHost == "imap.gmail.com")
        #expect(try await resolve("a@firm.test", plugins: [MXPlugin()], dns: dns).outgoingHost == "smtp.office365.com")
        let small = try await resolve("a@small.test", plugins: [MXPlugin()], dns: dns)
        #expect(small.report("mx")?.status == .notFound)
        #expect(!(try await resolve("a@nomail.test", plugins: [MXPlugin()], dns: dns)).found)
    }
}
