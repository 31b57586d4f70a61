import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// Autodiscover POX (every endpoint, referral chains) and v2 JSON against the local server.
@Suite struct AutodiscoverTests {
    static let settings = TestDocuments.autodiscoverSettings(imap: "imap.example.test", smtp: "smtp.example.test")

    @Test func rootDomainPOST() async throws {
        let server = try await HTTPTestServer.start(routes: [.answer("example.test", autodiscoverPath, method: "POST", body: Self.settings)])
        let result = try await lookup(server, "bob@example.test", plugins: ["autodiscover"])
        let best = try #require(result.best)
        #expect(best.trust == .trusted)
        #expect(best.configuration.incoming.first?.hostname == "imap.example.test")
        #expect(best.configuration.incoming.first?.username == "bob@example.test")
        #expect(best.configuration.outgoing.first?.socketType == .startTLS)
        #expect(best.configuration.outgoing.first?.extras["usePOPAuth"] == "on")
        let request = try #require(server.requests().first { $0.method == "POST" })
        #expect(request.headers["content-type"] == "text/xml; charset=utf-8")
        #expect(request.body.contains("<EMailAddress>bob@example.test</EMailAddress>"))
        #expect(request.body.contains("responseschema/2006a"))
        #expect(request.headers["authorization"] == nil)
    }

    @Test func autodiscoverSubdomainPOST() async throws {
        let server = try await HTTPTestServer.start(routes: [.answer("autodiscover.example.test", autodiscoverPath, method: "POST", body: Self.settings)])
        let result = try await lookup(server, plugins: ["autodiscover"])
        #expect(result.best?.provenance.source == "https://autodiscover.example.test/autodiscover/autodiscover.xml")
    }

    @Test func plainHTTPRedirectMethodPostsToTheHTTPSTarget() async throws {
        let server = try await HTTPTestServer.start(routes: [
            .redirect("autodiscover.example.test", autodiscoverPath, scheme: "http", to: "https://mail.example.test/autodiscover/autodiscover.xml"),
            .answer("mail.example.test", autodiscoverPath, method: "POST", body: Self.settings),
        ])
        let result = try await lookup(server, plugins: ["autodiscover"])
        let best = try #require(result.best)
        // Anyone on the plain-HTTP path chose the https URL: confirm, as Thunderbird asks.
        #expect(best.trust.level == .confirm)
        #expect(best.trust.reasons == [.plainHTTP])
        #expect(best.provenance.redirects.first == "http://autodiscover.example.test/autodiscover/autodiscover.xml")
        #expect(server.requests().contains { $0.scheme == "http" && $0.method == "GET" && $0.body.isEmpty })
    }

    @Test func plainHTTPWithoutHTTPSRedirectIsNotUsed() async throws {
        let server = try await HTTPTestServer.start(routes: [
            .redirect("autodiscover.example.test", autodiscoverPath, scheme: "http", to: "http://mail.example.test/autodiscover/autodiscover.xml"),
            .answer("mail.example.test", autodiscoverPath, scheme: "http", body: Self.settings),
        ])
        let result = try await lookup(server, plugins: ["autodiscover"])
        #expect(!result.found)
        #expect(!server.requests().contains { $0.host == "mail.example.test" })
    }

    @Test func srvRecordSlot() async throws {
        let server = try await HTTPTestServer.start(routes: [.answer("exchange.hoster.test", autodiscoverPath, method: "POST", body: Self.settings)])
        let dns = FakeDNS(srvRecords: ["_autodiscover._tcp.example.test": [SRVRecord(priority: 0, weight: 0, port: 443, target: "exchange.hoster.test.")]])
        let result = try await lookup(server, plugins: ["autodiscover"], dns: dns)
        let best = try #require(result.best)
        #expect(best.trust.reasons.contains(.unsignedDNS))
        #expect(best.trust.reasons.contains(.crossDomain))
        #expect(best.provenance.dnssecAuthenticated == false)
    }

    /// Every `_autodiscover._tcp` target in RFC 2782 order: the first (priority 0) refuses
    /// connections, so the next one (priority 10) is asked.
    @Test func srvSlotFallsBackToTheNextTargetWhenOneIsDead() async throws {
        let server = try await HTTPTestServer.start(routes: [.answer("exchange.hoster.test", autodiscoverPath, method: "POST", body: Self.settings)])
        let dns = FakeDNS(srvRecords: ["_autodiscover._tcp.example.test": [
            SRVRecord(priority: 10, weight: 0, port: 443, target: "exchange.hoster.test."),
            SRVRecord(priority: 0, weight: 0, port: 444, target: "dead.hoster.test."),
        ]])
        var options = server.options(plugins: ["autodiscover"])
        options.connectTo.append("dead.hoster.test:444:127.0.0.1:1")  // nothing listens on port 1: refused
        let autoconf = Autoconf(options: options)
        let services = BuiltInPlugins.services(options: options).with(DNSResolverKey.self, dns)
        let notes = EventLog()
        let result = await (try autoconf.resolver()).lookup(LookupQuery(email: try EmailAddress("alice@example.test")), services: services) { event in
            notes.append(event.description)
        }
        let best = try #require(result.best)
        #expect(best.provenance.source == "https://exchange.hoster.test/autodiscover/autodiscover.xml")
        #expect(best.trust.reasons.contains(.crossDomain))
        let tried = notes.entries.filter { $0.contains("trying POST https://dead.hoster.test:444/") || $0.contains("trying POST https://exchange.hoster.test/") }
        #expect(tried.count == 2)
        #expect(tried.first?.contains("dead.hoster.test") == true)
    }

    /// A bogus `_autodiscover._tcp` answer is refused: its target is never asked, the source fails.
    @Test func aBogusSRVAnswerIsRefused() async throws {
        let server = try await HTTPTestServer.start(routes: [.answer("exchange.hoster.test", autodiscoverPath, method: "POST", body: Self.settings)])
        let dns = FakeDNS(srvRecords: ["_autodiscover._tcp.example.test": [SRVRecord(priority: 0, weight: 0, port: 443, target: "exchange.hoster.test.")]],
                          bogus: true)
        let result = try await lookup(server, plugins: ["autodiscover"], dns: dns)
        #expect(!result.found)
        #expect(result.report("autodiscover")?.failure?.kind == .dnssecBogus)
        #expect(!server.requests().contains { $0.host == "exchange.hoster.test" })
    }

    /// A validated SRV answer may name another registrable domain: it is not cross-domain.
    @Test func aValidatedSRVTargetIsNotCrossDomain() async throws {
        let server = try await HTTPTestServer.start(routes: [.answer("exchange.hoster.test", autodiscoverPath, method: "POST", body: Self.settings)])
        let dns = FakeDNS(srvRecords: ["_autodiscover._tcp.example.test": [SRVRecord(priority: 0, weight: 0, port: 443, target: "exchange.hoster.test.")]],
                          authenticated: true)
        let result = try await lookup(server, plugins: ["autodiscover"], dns: dns)
        let best = try #require(result.best)
        #expect(!best.trust.reasons.contains(.unsignedDNS))
        #expect(best.provenance.dnssecAuthenticated == true)
    }

    @Test func redirectAddrIsFollowedAsCrossDomainWithTheNewLogin() async throws {
        let server = try await HTTPTestServer.start(routes: [
            .answer("example.test", autodiscoverPath, method: "POST", body: TestDocuments.autodiscoverRedirect(action: "redirectAddr", target: "bob@other.test")),
            .answer("autodiscover.other.test", autodiscoverPath, method: "POST",
                    body: TestDocuments.autodiscoverSettings(imap: "imap.other.test", smtp: "smtp.other.test")),
        ])
        let result = try await lookup(server, "bob@example.test", plugins: ["autodiscover"], httpsOnly: true)
        let best = try #require(result.best)
        #expect(best.trust.reasons.contains(.crossDomain))
        #expect(best.configuration.incoming.first?.username == "bob@other.test")
        #expect(best.provenance.redirects.contains("redirectAddr bob@other.test"))
        #expect(server.requests().contains { $0.host == "autodiscover.other.test" && $0.body.contains("bob@other.test") })
    }

    @Test func redirectUrlChainWithinTheDomainStaysTrusted() async throws {
        let server = try await HTTPTestServer.start(routes: [
            .answer("example.test", autodiscoverPath, method: "POST",
                    body: TestDocuments.autodiscoverRedirect(action: "redirectUrl", target: "https://ex1.example.test/autodiscover/autodiscover.xml")),
            .answer("ex1.example.test", autodiscoverPath, method: "POST",
                    body: TestDocuments.autodiscoverRedirect(action: "redirectUrl", target: "https://ex2.example.test/autodiscover/autodiscover.xml")),
            .answer("ex2.example.test", autodiscoverPath, method: "POST", body: Self.settings),
        ])
        let result = try await lookup(server, plugins: ["autodiscover"], httpsOnly: true)
        let best = try #require(result.best)
        #expect(best.trust == .trusted)
        #expect(best.provenance.source == "https://ex2.example.test/autodiscover/autodiscover.xml")
        #expect(best.provenance.redirects.count == 2)
    }

    @Test func redirectUrlToHTTPAndLoopsAreRefused() async throws {
        let server = try await HTTPTestServer.start(routes: [
            .answer("example.test", autodiscoverPath, method: "POST",
                    body: TestDocuments.autodiscoverRedirect(action: "redirectUrl", target: "http://ex1.example.test/autodiscover/autodiscover.xml")),
            .answer("autodiscover.example.test", autodiscoverPath, method: "POST",
                    body: TestDocuments.autodiscoverRedirect(action: "redirectUrl", target: "https://ex3.example.test/autodiscover/autodiscover.xml")),
            .answer("ex3.example.test", autodiscoverPath, method: "POST",
                    body: TestDocuments.autodiscoverRedirect(action: "redirectUrl", target: "https://autodiscover.example.test/autodiscover/autodiscover.xml")),
        ])
        let result = try await lookup(server, plugins: ["autodiscover"], httpsOnly: true)
        #expect(!result.found)
        let message = try #require(result.report("autodiscover")?.failure?.message)
        #expect(message.contains("non-https"))
        #expect(message.contains("loop"))
        #expect(!server.requests().contains { $0.host == "ex1.example.test" })
    }

    @Test func errorResponsesAreReported() async throws {
        let error = """
            <?xml version="1.0" encoding="utf-8"?>
            <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
              <Response><Error Time="10:00:00" Id="1"><ErrorCode>600</ErrorCode><Message>Invalid Request</Message></Error></Response>
            </Autodiscover>
            """
        let server = try await HTTPTestServer.start(routes: [.answer("example.test", autodiscoverPath, method: "POST", body: error)])
        let result = try await lookup(server, plugins: ["autodiscover"], httpsOnly: true)
        #expect(result.report("autodiscover")?.failure?.message.contains("Autodiscover error 600: Invalid Request") == true)
    }

    @Test func credentialsAreNeverRequested() async throws {
        let server = try await HTTPTestServer.start(routes: [.status("example.test", autodiscoverPath, 401)])
        let result = try await lookup(server, plugins: ["autodiscover"], httpsOnly: true)
        #expect(result.report("autodiscover")?.status == .notFound)
        #expect(server.requests().allSatisfy { $0.headers["authorization"] == nil })
    }

    @Test func v2TellsTenantsFromForeignDomains() async throws {
        let tenant = #"{"Protocol":"AutodiscoverV1","Url":"https://outlook.office365.com/autodiscover/autodiscover.xml"}"#
        let foreign = #"{"Protocol":"AutodiscoverV1","Url":"https://autodiscover.other.test/autodiscover/autodiscover.xml"}"#
        let server = try await HTTPTestServer.start(routes: [
            .answer("outlook.office365.test", "/autodiscover/autodiscover.json/v1.0/alice%40example.test", body: tenant, contentType: "application/json"),
            .answer("outlook.office365.test", "/autodiscover/autodiscover.json/v1.0/carol%40other.test", body: foreign, contentType: "application/json"),
        ])
        let client = AutodiscoverV2Client(
            fetcher: try CurlHTTPClient(configuration: HTTPClientConfiguration(caFile: TestCA.shared.caFile, connectTo: server.connectTo)),
            baseURL: "https://outlook.office365.test")
        #expect(await client.isMicrosoft365Tenant(try EmailAddress("alice@example.test")) == true)
        #expect(await client.isMicrosoft365Tenant(try EmailAddress("carol@other.test")) == false)
        #expect(await client.isMicrosoft365Tenant(try EmailAddress("dave@missing.test")) == nil)
        let answer = try await client.lookup(try EmailAddress("alice@example.test"))
        #expect(answer.protocol == "AutodiscoverV1")
        #expect(answer.url == "https://outlook.office365.com/autodiscover/autodiscover.xml")
        let logged = try #require(server.requests().first)
        #expect(logged.query == "Protocol=AutodiscoverV1")
    }
}

/// The POX reader and request writer on their own.
@Suite struct AutodiscoverPOXTests {
    func read(_ xml: String, username: String = "%EMAILADDRESS%") throws -> AutodiscoverPOXReader.Answer {
        try AutodiscoverPOXReader().read(Array(xml.utf8), source: "test", defaultUsername: username)
    }

    func protocols(_ body: String) -> String {
        """
        <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
        <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
        <User><DisplayName>Bob</DisplayName></User>
        <Account><Action>settings</Action>\(body)</Account></Response></Autodiscover>
        """
    }

    @Test(arguments: [
        ("on", nil, 993, SocketType.ssl), ("on", nil, 143, .startTLS), ("off", nil, 143, .plain),
        (nil, "SSL", 587, .startTLS), (nil, "SSL", 465, .ssl), (nil, "TLS", 587, .startTLS), (nil, "TLS", 995, .ssl),
        (nil, "None", 993, .plain), (nil, "Auto", 110, .startTLS), (nil, "Auto", 995, .ssl), ("on", nil, 10993, .ssl),
    ] as [(String?, String?, Int, SocketType)])
    func socketTypes(ssl: String?, encryption: String?, port: Int, expected: SocketType) {
        #expect(AutodiscoverPOXReader.socketType(ssl: ssl, encryption: encryption, port: port) == expected)
    }

    @Test func mapsEveryProtocol() throws {
        let xml = protocols("""
            <Protocol><Type>POP3</Type><Server>POP.example.test</Server><Port>995</Port><LoginName>bob</LoginName><SPA>on</SPA>
              <DomainRequired>on</DomainRequired><DomainName>CORP</DomainName></Protocol>
            <Protocol><Type>SMTP</Type><Server>smtp.example.test</Server><Port>25</Port><SSL>off</SSL><AuthRequired>off</AuthRequired></Protocol>
            <Protocol><Type>EXCH</Type><Server>mbx01</Server><EwsUrl>https://mail.example.test/EWS/Exchange.asmx</EwsUrl>
              <ASUrl>https://mail.example.test/Microsoft-Server-ActiveSync</ASUrl></Protocol>
            <Protocol><Type>EXPR</Type><EwsUrl>https://mail.example.test/EWS/Exchange.asmx</EwsUrl></Protocol>
            <Protocol><Type>WEB</Type><External><OWAUrl AuthenticationMethod="Basic">https://mail.example.test/owa/</OWAUrl></External></Protocol>
            <Protocol><Type>IMAP</Type><Server>bad host</Server><Port>993</Port></Protocol>
            """)
        guard case .settings(let configuration, let warnings) = try read(xml) else { Issue.record("not settings"); return }
        #expect(configuration.displayName == "Bob")
        #expect(configuration.incoming.map(\.type) == [.pop3, .ews, .activeSync])
        let pop = configuration.incoming[0]
        #expect(pop.hostname == "pop.example.test")
        #expect(pop.username == "CORP\\bob")
        #expect(pop.authenticationMethods == [.passwordEncrypted])
        #expect(pop.socketType == .ssl)
        #expect(configuration.outgoing.first?.authenticationMethods == [AuthenticationMethod.none])
        #expect(configuration.outgoing.first?.socketType == .plain)
        #expect(configuration.incoming[1].url == "https://mail.example.test/EWS/Exchange.asmx")
        #expect(configuration.webmailURL == "https://mail.example.test/owa/")
        #expect(warnings.count == 1)
    }

    @Test func referralsAndErrors() throws {
        #expect(try read(TestDocuments.autodiscoverRedirect(action: "redirectAddr", target: "a@b.test")) == .redirectAddress("a@b.test"))
        #expect(try read(TestDocuments.autodiscoverRedirect(action: "redirectUrl", target: "https://x.test/a")) == .redirectURL("https://x.test/a"))
        let error = "<Autodiscover><Response><Error><ErrorCode>500</ErrorCode><Message>The email address can't be found.</Message></Error></Response></Autodiscover>"
        #expect(try read(error) == .error(code: "500", message: "The email address can't be found."))
        #expect(throws: XMLParseError.self) { try read("<Autodiscover><Response><Account><Action>settings</Action></Account></Response></Autodiscover>") }
        #expect(throws: XMLParseError.self) { try read("<!DOCTYPE x [<!ENTITY a 'b'>]><Autodiscover/>") }
        #expect(throws: XMLParseError.self) { try read("<clientConfig/>") }
    }

    @Test func requestEscapesTheAddress() throws {
        let body = String(decoding: AutodiscoverRequestWriter.request(for: "a<b>&\"c@example.test"), as: UTF8.self)
        #expect(body.contains("<EMailAddress>a&lt;b&gt;&amp;\"c@example.test</EMailAddress>"))
        #expect(body.contains(#"xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006""#))
        #expect(body.contains("<AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>"))
        let parsed = try HardenedXMLParser.parse(Array(body.utf8), source: "request")
        #expect(parsed.child(named: "Request")?.childText("EMailAddress") == "a<b>&\"c@example.test")
    }
}
