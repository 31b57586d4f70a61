import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// The libcurl client against the local test server: TLS, timeouts, cancellation, caps, parallelism.
@Suite struct CurlHTTPClientTests {
    static func client(_ server: HTTPTestServer, caFile: String? = TestCA.shared.caFile) throws -> CurlHTTPClient {
        try CurlHTTPClient(configuration: HTTPClientConfiguration(caFile: caFile, connectTo: server.connectTo))
    }

    @Test func getsOverVerifiedTLSWithUserAgent() async throws {
        let server = try await HTTPTestServer.start(routes: [.answer("autoconfig.example.test", "/x", body: "hello")])
        let response = try await Self.client(server).fetch(HTTPRequest(url: "https://autoconfig.example.test/x"))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "hello")
        #expect(response.tlsVerified)
        #expect(response.contentType == "text/xml")
        let logged = try #require(server.requests().first)
        #expect(logged.headers["user-agent"] == "autoconf/\(AutoconfVersion.string)")
        #expect(logged.host == "autoconfig.example.test")
    }

    @Test func plainHTTPIsNotVerified() async throws {
        let server = try await HTTPTestServer.start(routes: [.answer("autoconfig.example.test", "/x", scheme: "http", body: "plain")])
        let response = try await Self.client(server).fetch(HTTPRequest(url: "http://autoconfig.example.test/x"))
        #expect(response.status == 200)
        #expect(!response.tlsVerified)
    }

    @Test func postsBodyAndHeaders() async throws {
        let server = try await HTTPTestServer.start(routes: [.answer("example.test", "/p", method: "POST", body: "ok")])
        let request = HTTPRequest(.post, url: "https://example.test/p", headers: ["Content-Type": "text/xml; charset=utf-8"], body: Array("<a>b</a>".utf8))
        let response = try await Self.client(server).fetch(request)
        #expect(response.status == 200)
        let logged = try #require(server.requests().first)
        #expect(logged.method == "POST")
        #expect(logged.body == "<a>b</a>")
        #expect(logged.headers["content-type"] == "text/xml; charset=utf-8")
    }

    @Test func redirectsAreReturnedNotFollowed() async throws {
        let server = try await HTTPTestServer.start(routes: [.redirect("example.test", "/r", to: "https://other.test/")])
        let response = try await Self.client(server).fetch(HTTPRequest(url: "https://example.test/r"))
        #expect(response.status == 302)
        #expect(response.location == "https://other.test/")
        #expect(server.requests().count == 1)
    }

    @Test func untrustedCertificateIsATLSError() async throws {
        let server = try await HTTPTestServer.start(routes: [.answer("autoconfig.example.test", "/x", body: "hello")], rogue: ["autoconfig.example.test"])
        await #expect { try await Self.client(server).fetch(HTTPRequest(url: "https://autoconfig.example.test/x")) } throws: { error in
            guard case HTTPError.tls = error else { return false }
            return true
        }
    }

    @Test func systemRootsAloneDoNotTrustTheTestCA() async throws {
        let server = try await HTTPTestServer.start(routes: [.answer("autoconfig.example.test", "/x", body: "hello")])
        await #expect { try await Self.client(server, caFile: nil).fetch(HTTPRequest(url: "https://autoconfig.example.test/x")) } throws: { error in
            guard case HTTPError.tls = error else { return false }
            return true
        }
    }

    @Test func requestTimeoutHolds() async throws {
        let server = try await HTTPTestServer.start(routes: [.hang("example.test")])
        let start = ContinuousClock.now
        await #expect { try await Self.client(server).fetch(HTTPRequest(url: "https://example.test/", timeout: .milliseconds(300))) } throws: { error in
            guard case HTTPError.timeout = error else { return false }
            return true
        }
        // The hang lasts 30 s; generous bounds keep this stable on two busy cores.
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func cancellationAbortsPromptly() async throws {
        let server = try await HTTPTestServer.start(routes: [.hang("example.test")])
        let client = try Self.client(server)
        let task = Task { try await client.fetch(HTTPRequest(url: "https://example.test/", timeout: .seconds(20))) }
        try await Task.sleep(for: .milliseconds(200))
        let start = ContinuousClock.now
        task.cancel()
        let result = await task.result
        #expect(ContinuousClock.now - start < .seconds(2))
        guard case .failure(HTTPError.cancelled) = result.mapError({ $0 as! HTTPError }) else {
            Issue.record("expected cancellation, got \(result)")
            return
        }
    }

    @Test(arguments: [false, true])
    func hugeBodyIsCapped(withContentLength: Bool) async throws {
        var route = HTTPTestServer.Route(host: "example.test", path: "/huge")
        route.huge = 5 << 20
        route.contentLength = withContentLength
        let server = try await HTTPTestServer.start(routes: [route])
        await #expect(throws: HTTPError.tooLarge(1 << 20)) {
            try await Self.client(server).fetch(HTTPRequest(url: "https://example.test/huge"))
        }
    }

    @Test func concurrentRequestsRunInParallel() async throws {
        let routes = (0..<6).map { HTTPTestServer.Route.answer("example.test", "/\($0)", body: "\($0)", delayMs: 400) }
        let server = try await HTTPTestServer.start(routes: routes)
        let client = try Self.client(server)
        let start = ContinuousClock.now
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<6 { group.addTask { try await client.fetch(HTTPRequest(url: "https://example.test/\(index)")).status } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 6))
        // Serially this takes 2.4 s.
        #expect(ContinuousClock.now - start < .milliseconds(2000))
    }

    @Test func resolveMapsAHostAndPort() async throws {
        let server = try await HTTPTestServer.start(routes: [.answer("ispdb.test", "/v1.1/example.test", body: "db")])
        let client = try CurlHTTPClient(configuration: HTTPClientConfiguration(
            caFile: TestCA.shared.caFile, resolve: ["ispdb.test:\(server.httpsPort):127.0.0.1"]))
        let response = try await client.fetch(HTTPRequest(url: "https://ispdb.test:\(server.httpsPort)/v1.1/example.test"))
        #expect(String(decoding: response.body, as: UTF8.self) == "db")
    }

    @Test func refusesOtherSchemes() async throws {
        let client = try CurlHTTPClient()
        await #expect(throws: HTTPError.invalidURL("file:///etc/passwd")) { try await client.fetch(HTTPRequest(url: "file:///etc/passwd")) }
    }

    @Test func validatesMappingsAndCAFile() {
        #expect(HTTPClientConfiguration(resolve: ["example.test:443:127.0.0.1"]).problem() == nil)
        #expect(HTTPClientConfiguration(resolve: ["example.test:443:[::1]"]).problem() == nil)
        #expect(HTTPClientConfiguration(resolve: ["example.test:443:::1"]).problem() == nil)
        #expect(HTTPClientConfiguration(resolve: ["example.test:99999:127.0.0.1"]).problem() == "--resolve example.test:99999:127.0.0.1: port '99999' is not in 1–65535")
        #expect(HTTPClientConfiguration(resolve: ["example.test:443:not-an-ip"]).problem()?.contains("not an IP address") == true)
        #expect(HTTPClientConfiguration(resolve: ["example.test"]).problem()?.contains("expected HOST:PORT:ADDRESS") == true)
        #expect(HTTPClientConfiguration(connectTo: [":443:127.0.0.1:8443"]).problem() == nil)
        #expect(HTTPClientConfiguration(connectTo: ["a b:443::"]).problem() != nil)
        #expect(HTTPClientConfiguration(caFile: "/nonexistent.pem").problem() == "--ca-file /nonexistent.pem: cannot read the file")
    }
}
