import AutoconfKit
import Foundation
import Testing

/// A fetcher that answers from a table: URL → (status, Location).
struct TableFetcher: HTTPFetching {
    var table: [String: (Int, String?)]
    func fetch(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        guard let (status, location) = table[request.url] else { return HTTPResponse(status: 404, url: request.url, tlsVerified: true) }
        return HTTPResponse(status: status, headers: location.map { ["location": $0] } ?? [:], body: Array("ok".utf8), url: request.url,
                            tlsVerified: request.url.hasPrefix("https://"))
    }
}

@Suite struct RedirectFollowerTests {
    func follow(_ table: [String: (Int, String?)], from url: String = "https://a.example.test/") async throws(FetchFailure) -> FollowedResponse {
        let follower = RedirectFollower(fetcher: TableFetcher(table: table), scope: .email("example.test"), deadline: .now + .seconds(5))
        return try await follower.fetch(HTTPRequest(url: url))
    }

    @Test func followsRelativeAndRecordsHops() async throws {
        let followed = try await follow([
            "https://a.example.test/": (301, "/next"),
            "https://a.example.test/next": (200, nil),
        ])
        #expect(followed.response.url == "https://a.example.test/next")
        #expect(followed.path.hops == ["https://a.example.test/"])
        #expect(!followed.crossedDomains)
        #expect(followed.path.allHTTPS && followed.path.tlsVerified)
    }

    @Test func reportsForeignDomains() async throws {
        let followed = try await follow(["https://a.example.test/": (302, "https://cdn.other.test/x"), "https://cdn.other.test/x": (200, nil)])
        #expect(followed.crossedDomains)
        #expect(followed.path.foreignDomains == ["other.test"])
        #expect(followed.path.registrableDomains == ["example.test", "other.test"])
    }

    @Test func refusesDowngradeLoopsTooManyHopsAndBadTargets() async {
        await #expect(throws: FetchFailure.downgrade(from: "https://a.example.test/", to: "http://a.example.test/")) {
            try await follow(["https://a.example.test/": (302, "http://a.example.test/")])
        }
        await #expect(throws: FetchFailure.redirectLoop("https://a.example.test/")) {
            try await follow(["https://a.example.test/": (302, "https://b.example.test/"), "https://b.example.test/": (302, "https://a.example.test/")])
        }
        var chain: [String: (Int, String?)] = [:]
        for hop in 0..<7 { chain["https://a.example.test/\(hop)"] = (307, "https://a.example.test/\(hop + 1)") }
        await #expect(throws: FetchFailure.tooManyRedirects(5)) { try await follow(chain, from: "https://a.example.test/0") }
        await #expect(throws: FetchFailure.self) { try await follow(["https://a.example.test/": (302, "ftp://a.example.test/")]) }
        await #expect(throws: FetchFailure.self) { try await follow(["https://a.example.test/": (302, "https://user:pw@b.example.test/")]) }
        await #expect(throws: FetchFailure.self) { try await follow(["https://a.example.test/": (302, "https://co.uk/")]) }
        await #expect(throws: FetchFailure.self) { try await follow(["https://a.example.test/": (302, "https://10.0.0.1/")]) }
    }

    @Test func internationalDomainsKeepTheirALabels() async throws {
        // URLComponents.host turns A-labels into U-labels when ICU is linked (it is in this test
        // process, and in any app that links full Foundation); Hostname then refused them.
        let table: [String: (Int, String?)] = [
            "https://autoconfig.xn--mller-kva.de/": (302, "https://mail.xn--mller-kva.de/x"),
            "https://mail.xn--mller-kva.de/x": (200, nil),
        ]
        let follower = RedirectFollower(fetcher: TableFetcher(table: table), scope: .email("xn--mller-kva.de"), deadline: .now + .seconds(5))
        let followed = try await follower.fetch(HTTPRequest(url: "https://autoconfig.xn--mller-kva.de/"))
        #expect(followed.response.url == "https://mail.xn--mller-kva.de/x")
        #expect(followed.path.registrableDomains == ["xn--mller-kva.de"])
        #expect(!followed.crossedDomains)
    }

    @Test func derivedHostsStayAtOrBelowTheEmailDomain() {
        #expect(DomainScope.derivedHostRefusal("autodiscover.example.com", emailDomain: "example.com") == nil)
        #expect(DomainScope.derivedHostRefusal("autodiscover.co.uk", emailDomain: "co.uk") != nil)
        #expect(DomainScope.derivedHostRefusal("autodiscover.com", emailDomain: "example.com") != nil)
        #expect(DomainScope.email("mail.example.com").isForeign("autodiscover.example.com") == false)
        #expect(DomainScope.email("example.com", exempt: MicrosoftDomains.registrable).isForeign("outlook.office365.com") == false)
    }
}

/// One parser (libcurl's URL API) decides hosts, so what is checked is what curl connects to.
@Suite struct URLHostTests {
    func follow(_ location: String) async throws(FetchFailure) -> FollowedResponse {
        let table: [String: (Int, String?)] = ["https://a.example.test/": (302, location)]
        let follower = RedirectFollower(fetcher: TableFetcher(table: table), scope: .email("example.test"), deadline: .now + .seconds(5))
        return try await follower.fetch(HTTPRequest(url: "https://a.example.test/"))
    }

    @Test(arguments: ["https://127.0.0.0x1/", "https://0177.0.0.0x1/", "https://0x7f000001/", "https://2130706433/", "https://[::1]/", "https://10.0.0.1/"])
    func obfuscatedAddressesAreRefusedAsCurlSeesThem(_ location: String) async {
        // The "last label all digits" rule let 127.0.0.0x1 through; libcurl connects to 127.0.0.1.
        await #expect {
            _ = try await follow(location)
        } throws: { error in
            if case .refusedHost = error as? FetchFailure { true } else { false }
        }
    }

    @Test func hostsAreCurlsHosts() {
        #expect(URLHost.of("https://127.0.0.0x1/") == "127.0.0.1")
        #expect(URLHost.of("https://0177.0.0.0x1/") == "127.0.0.1")
        #expect(URLHost.of("https://outloo#.office365.com/x") == "outloo")
        #expect(URLHost.of("https://Autoconfig.Example.TEST:8443/a?b") == "autoconfig.example.test")
        #expect(URLHost.of("https://autoconfig.müller.de/") == "autoconfig.xn--mller-kva.de")
        #expect(URLHost.of("not a url") == nil)
        // curl decodes %42 (B) in a host the way it connects: the check sees the real name.
        #expect(URLHost.of("https://autoconfm%42xample.com/") == "autoconfmbxample.com")
    }
}
