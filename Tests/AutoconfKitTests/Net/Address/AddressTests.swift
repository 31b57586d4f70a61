@testable import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// Net/Address: the one home of host, IP literal, HOST:PORT and URL parsing.
@Suite struct AddressTests {
    @Test(arguments: [
        ("mail.example.org", "mail.example.org", nil, false),
        ("mail.example.org:993", "mail.example.org", 993, false),
        ("[::1]:5353", "::1", 5353, true),
        ("[::1]", "::1", nil, true),
        ("::1", "::1", nil, false),
        ("192.0.2.1:53", "192.0.2.1", 53, false),
        ("host: 993", "host", 993, false),
    ] as [(String, String, Int?, Bool)])
    func hostPortSplits(text: String, host: String, port: Int?, bracketed: Bool) throws {
        let split = try HostPort.split(text).get()
        #expect(split == HostPort(host: host, port: port, bracketed: bracketed))
    }

    @Test(arguments: ["[::1", "[::1]x", "host:", "host:0", "host:65536", "host:x", "[::1]:-1"])
    func hostPortRefusesWithOneLine(_ text: String) {
        guard case .failure(let problem) = HostPort.split(text) else { Issue.record("accepted \(text)"); return }
        #expect(!problem.message.isEmpty && !problem.message.contains("\n"))
    }

    @Test func theThreeHostPortOptionsShareTheSplit() throws {
        // --imap, --dns-server and --connect-to read `[v6]:port` the same way.
        #expect(try ServerAddress.parse("[::1]:993", field: "--imap") == ServerAddress(host: "::1", port: 993))
        #expect(try DNSServerAddress.parse("[::1]:993").get() == DNSServerAddress(host: "::1", port: 993, isIPv6: true))
        let route = try ConnectOverrides.parse(resolve: [], connectTo: ["imap.example.test:993:[::1]:993"]).get().route(host: "imap.example.test", port: 993)
        #expect(route.host == "::1" && route.port == 993)
        #expect(ServerAddress(host: "::1", port: 993).description == "[::1]:993")
        #expect(DNSServerAddress(host: "::1", port: 993, isIPv6: true).description == "[::1]:993")
    }

    @Test(arguments: ["127.1", "2130706433", "0x7f.0.0.1", "0x7f000001", "0x1", "10.0.0.1.", "mail.123"])
    func numericNamesAreNoServerHosts(_ host: String) {
        #expect(Hostname.serverHostProblem(host) != nil, "\(host)")
        #expect(DomainScope.refusal(host) != nil, "\(host)")
    }

    @Test(arguments: ["192.0.2.1", "::1", "2001:db8::1", "imap.example.org", "mail-1.example.org", "abc.def", "mail.b1", "cafe.example"])
    func literalsAndNamesAreServerHosts(_ host: String) {
        #expect(Hostname.serverHostProblem(host) == nil, "\(host)")
    }

    @Test func manualServersFollowTheSameRule() throws {
        #expect(throws: ManualSettingsError.self) { try ServerAddress.parse("127.1:993", field: "--imap") }
        #expect(try ServerAddress.parse("192.0.2.1:993", field: "--imap") == ServerAddress(host: "192.0.2.1", port: 993))
    }

    @Test func urlTargetsComeFromCurl() throws {
        let target = try #require(URLHost.parse("https://Autoconfig.Example.TEST/x?y"))
        #expect(target == URLHost.Target(scheme: "https", host: "autoconfig.example.test", port: 443, hasCredentials: false))
        #expect(URLHost.parse("http://[::1]:8080/")?.host == "::1")
        #expect(URLHost.parse("http://[::1]:8080/")?.port == 8080)
        #expect(URLHost.parse("http://user:pw@a.example.test/")?.hasCredentials == true)
        let next = try #require(URLHost.resolve("../b?c=1", against: "https://a.example.test/x/y/z"))
        #expect(next.url == "https://a.example.test/x/b?c=1")
        #expect(URLHost.resolve("//other.example.test/p", against: "https://a.example.test/")?.target.host == "other.example.test")
        #expect(URLHost.resolve("mailto:x@y", against: "https://a.example.test/") == nil)
    }

    /// `--resolve`/`--connect-to` are parsed once and libcurl gets lines written from the parsed
    /// rules: lowercase, one trailing dot dropped, IPv6 in brackets.
    @Test func curlGetsLinesWrittenFromTheParsedRules() throws {
        let overrides = try ConnectOverrides.parse(
            resolve: ["IMAP.Example.test.:993:127.0.0.1,::1"], connectTo: ["Mail.Example.test.:443:[::1]:8443", "::127.0.0.1:"]).get()
        #expect(overrides.curlResolve == ["imap.example.test:993:127.0.0.1,[::1]"])
        #expect(overrides.curlConnectTo == ["mail.example.test:443:[::1]:8443", "::127.0.0.1:"])
        let pinned = overrides.pinning(host: "autoconfig.example.test", port: 443, to: ["192.0.2.1", "2001:db8::1"])
        #expect(pinned.curlResolve.last == "autoconfig.example.test:443:192.0.2.1,[2001:db8::1]")
        // The user's own pin wins over addresses found by autoconf's resolver.
        #expect(overrides.pinning(host: "imap.example.test", port: 993, to: ["192.0.2.9"]) == overrides)
    }

    /// curl itself does not match `Host.:PORT:ADDR` (a trailing dot, capitals) against the URL's
    /// host, which the validator accepts: curl must receive the line written from the parsed
    /// rule, not the text given.
    @Test func aResolveEntryWithATrailingDotReachesTheServer() async throws {
        let server = try await HTTPTestServer.start(routes: [.answer("ispdb.test", "/v1.1/example.test", body: "db")])
        let client = try CurlHTTPClient(configuration: HTTPClientConfiguration(
            caFile: TestCA.shared.caFile, resolve: ["ISPDB.test.:\(server.httpsPort):127.0.0.1"]))
        let response = try await client.fetch(HTTPRequest(url: "https://ispdb.test:\(server.httpsPort)/v1.1/example.test"))
        #expect(String(decoding: response.body, as: UTF8.self) == "db")
    }

    /// Options are validated once, by `Autoconf.init`; the typed values go to every consumer.
    @Test func optionsAreParsedOnceAndHandedOnTyped() async throws {
        let bad = Autoconf(options: AutoconfOptions(readsUserDirectory: false, resolve: ["nonsense"]))
        #expect(bad.optionsProblem == "--resolve nonsense: expected HOST:PORT:ADDRESS")
        await #expect(throws: AutoconfError.invalidOption("--resolve nonsense: expected HOST:PORT:ADDRESS")) {
            _ = try await bad.lookup("a@example.org")
        }
        let good = Autoconf(options: AutoconfOptions(readsUserDirectory: false, resolve: ["imap.example.test:993:127.0.0.1"], connectTo: [":465:127.0.0.1:10465"]))
        #expect(good.optionsProblem == nil)
        let expected = try ConnectOverrides.parse(resolve: ["imap.example.test:993:127.0.0.1"], connectTo: [":465:127.0.0.1:10465"]).get()
        #expect(good.parsed.overrides == expected)
        #expect(good.loginVerifier().options.overrides == expected)
    }
}

/// The engine and the cache apply one server validator, so an answer that survives one survives
/// the other, IP literals included: `::1` is kept by both, `127.1` (a name that is dialled as an
/// address) dropped by both.
@Suite struct ServerValidatorAgreementTests {
    struct LiteralPlugin: ProviderPlugin {
        let name = "literal"
        var summary: String { "answers with IP literals" }
        let log: EventLog
        func lookup(_ query: LookupQuery, context: PluginContext) async throws -> PluginOutcome {
            log.append(query.email.address)
            var configuration = testConfiguration("::1", domain: "literal.test")
            configuration.incoming.append(Server(type: .imap, hostname: "127.1", port: 993, socketType: .ssl, username: "%EMAILADDRESS%"))
            return .found([Candidate(configuration: configuration, trust: .confirm(.plainHTTP), provenance: context.provenance(source: "https://ispdb.test/v1.1/literal.test", channel: .https))])
        }
    }

    @Test func engineAndCacheKeepAndDropTheSameServers() async throws {
        let directory = TestPaths.temporaryDirectory("cache-literal")
        let log = EventLog()
        func autoconf() -> Autoconf {
            Autoconf(options: AutoconfOptions(plugins: ["literal"], readsUserDirectory: false, cache: .use, cacheDirectory: directory.path),
                     additionalPlugins: [LiteralPlugin(log: log)])
        }
        let fresh = try await autoconf().lookup("ann@literal.test")
        #expect(fresh.best?.configuration.incoming.compactMap(\.hostname) == ["::1"])
        let cached = try await autoconf().lookup("ann@literal.test")
        #expect(cached.best?.provenance.channel == .cache)
        #expect(cached.best?.configuration.incoming.compactMap(\.hostname) == ["::1"])
        #expect(log.entries == ["ann@literal.test"])
        // A cache file naming a numeric host the engine would drop is dropped when read, too.
        let file = directory.appendingPathComponent("literal.test.json")
        let text = try String(contentsOf: file, encoding: .utf8)
        try text.replacingOccurrences(of: "\"::1\"", with: "\"127.1\"").write(to: file, atomically: true, encoding: .utf8)
        let reread = try await autoconf().lookup("ann@literal.test")
        #expect(reread.best?.provenance.channel == .https)
        #expect(log.entries == ["ann@literal.test", "ann@literal.test"])
    }
}
