import AutoconfKit
@testable import AutoconfService
import AutoconfTestSupport
import Foundation
import Testing

/// Hostile clients of the publisher on real sockets: slowloris (headers trickled byte by byte,
/// a connection held idle, a POX body trickled), and `Host` header games. Each gets a clean 4xx
/// or a closed connection, never another domain's settings, and other clients go on being served.
@Suite struct PublishHostileTests {
    static let domains = ["alpha.test", "beta.test"]

    static func publishing(tls: Bool = false, change: (inout ServiceConfiguration) -> Void = { _ in }) async throws -> RunningService {
        let directory = TestPaths.temporaryDirectory("publish-hostile")
        for domain in domains {
            try sslProviderFile(domain).write(to: directory.appendingPathComponent("\(domain).xml"), atomically: true, encoding: .utf8)
        }
        return try await RunningService(serviceConfiguration { configuration in
            configuration.publishDirectories = [directory.path]
            if tls {
                let alpha = try! TestCA.shared.issue(["alpha.test", "*.alpha.test"])
                let beta = try! TestCA.shared.issue(["beta.test", "*.beta.test"])
                configuration.tlsCertificate = alpha.certificate
                configuration.tlsKey = alpha.key
                configuration.moreTLSPairs = [TLSPair(certificate: beta.certificate, key: beta.key)]
            }
            change(&configuration)
        })
    }

    static func request(_ target: String = "/mail/config-v1.1.xml", headers: [String]) -> String {
        "GET \(target) HTTP/1.1\r\n" + headers.map { "\($0)\r\n" }.joined() + "\r\n"
    }

    @Test func slowlorisIsCutByTheTimeoutsAndOthersAreStillServed() async throws {
        let service = try await Self.publishing { configuration in
            configuration.idleTimeout = .seconds(1)
            configuration.readTimeout = .seconds(1)
        }
        defer { Task { await service.stop() } }
        let started = Date()
        // Headers one byte every 100 ms: 10+ s to send, cut after about the idle timeout.
        let trickler = try RawHTTPConnection(port: service.port)
        let idle = try RawHTTPConnection(port: service.port)
        let body = try RawHTTPConnection(port: service.port)
        let pox = "<Autodiscover><Request><EMailAddress>a@alpha.test</EMailAddress></Request></Autodiscover>"
        #expect(body.send("POST /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: autodiscover.alpha.test\r\nContent-Type: text/xml\r\nContent-Length: \(pox.utf8.count)\r\n\r\n<"))
        async let trickled = Task.detached {
            trickler.trickle("GET /mail/config-v1.1.xml HTTP/1.1\r\nHost: autoconfig.alpha.test\r\nX-Slow: \(String(repeating: "z", count: 100))\r\n\r\n", interval: 0.1)
        }.value
        // Meanwhile an ordinary client is answered at once.
        let other = try await curl("http://127.0.0.1:\(service.port)/mail/config-v1.1.xml", headers: ["Host: autoconfig.beta.test"], timeout: 10)
        #expect(other.status == 200)
        #expect(other.body.contains("imap.beta.test"))
        #expect(Date().timeIntervalSince(started) < 3)
        #expect(idle.isClosed(within: 6), "an idle connection is closed after the idle timeout")
        let completed = await trickled
        #expect(!completed, "the trickled request was cut before it was complete")
        #expect(Date().timeIntervalSince(started) < 8, "cut after \(Date().timeIntervalSince(started)) s")
        // The POX body that has stalled: closed after the idle timeout, never settings.
        #expect(body.isClosed(within: 6))
        // And the service still answers.
        #expect(try await curl("http://127.0.0.1:\(service.port)/mail/config-v1.1.xml", headers: ["Host: autoconfig.alpha.test"], timeout: 10).status == 200)
    }

    /// A POX body trickled faster than the idle timeout (each byte is activity) but slower than
    /// the read timeout: 408 after the read timeout, never settings.
    @Test func aTrickledPOXBodyIsCutByTheReadTimeout() async throws {
        let service = try await Self.publishing { configuration in
            configuration.idleTimeout = .seconds(3)
            configuration.readTimeout = .seconds(1)
        }
        defer { Task { await service.stop() } }
        let connection = try RawHTTPConnection(port: service.port)
        let pox = "<Autodiscover><Request><EMailAddress>a@alpha.test</EMailAddress></Request></Autodiscover>"
        let started = Date()
        #expect(connection.send("POST /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: autodiscover.alpha.test\r\nContent-Type: text/xml\r\nContent-Length: \(pox.utf8.count)\r\n\r\n"))
        // 90 bytes at one every 0.3 s would take 27 s.
        _ = connection.trickle(pox, interval: 0.3)
        let cut = Date().timeIntervalSince(started)
        #expect(cut < 5, "the body was read for \(cut) s")
        let answer = try? connection.readResponse(timeout: 1)
        #expect(answer?.status == 408, "\(String(describing: answer))")
        #expect(answer?.body.contains("imap.") != true)
    }

    @Test func hostHeaderGamesNeverYieldAnotherDomainsSettings() async throws {
        let service = try await Self.publishing()
        defer { Task { await service.stop() } }
        func ask(_ raw: String) throws -> RawHTTPConnection.Response? {
            let connection = try RawHTTPConnection(port: service.port)
            connection.send(raw)
            return try? connection.readResponse(timeout: 10)
        }
        func isAlpha(_ response: RawHTTPConnection.Response?) -> Bool { response?.status == 200 && response?.body.contains("imap.alpha.test") == true }
        func noSettings(_ response: RawHTTPConnection.Response?) -> Bool {
            guard let response else { return true }  // closed: fine
            return (400..<500).contains(response.status) && !response.body.contains("imap.")
        }
        // Spellings of alpha's own host: alpha's settings, and only alpha's.
        for host in ["autoconfig.alpha.test", "AUTOCONFIG.Alpha.TEST", "autoconfig.alpha.test.", "autoconfig.alpha.test:8443", "alpha.test"] {
            let response = try ask(Self.request(headers: ["Host: \(host)"]))
            #expect(isAlpha(response), "\(host): \(String(describing: response))")
            #expect(response?.body.contains("beta") == false)
        }
        // No Host, an IP literal, an unknown domain, a look-alike: no settings.
        #expect(noSettings(try ask("GET /mail/config-v1.1.xml HTTP/1.0\r\n\r\n")), "HTTP/1.0 without Host")
        #expect(noSettings(try ask(Self.request(headers: []))), "HTTP/1.1 without Host")
        for host in ["127.0.0.1", "[::1]", "127.0.0.1:\(service.port)", "autoconfig.gamma.test", "autoconfig.alpha.test.evil.test", "autoconfig.alpha.test..",
                     "autoconfig.alpha.test:x", "autoconfig.alpha.test@beta.test", "alpha.test%2fbeta.test", ""] {
            #expect(noSettings(try ask(Self.request(headers: ["Host: \(host)"]))), "Host: \(host)")
        }
        // Two Host headers are ambiguous (RFC 9112 §3.2): refused, whichever comes first.
        #expect(noSettings(try ask(Self.request(headers: ["Host: autoconfig.alpha.test", "Host: autoconfig.beta.test"]))))
        #expect(noSettings(try ask(Self.request(headers: ["Host: autoconfig.beta.test", "Host: autoconfig.alpha.test"]))))
        // An absolute-form target naming another host than Host: the HTTP layer drops the
        // target's authority, so Host decides; never the other domain's settings.
        let absolute = try ask(Self.request("http://autoconfig.beta.test/mail/config-v1.1.xml", headers: ["Host: autoconfig.alpha.test"]))
        #expect(noSettings(absolute) || isAlpha(absolute), "\(String(describing: absolute))")
        #expect(absolute?.body.contains("beta") != true)
        let unknownAbsolute = try ask(Self.request("http://autoconfig.alpha.test/mail/config-v1.1.xml", headers: ["Host: autoconfig.gamma.test"]))
        #expect(noSettings(unknownAbsolute), "\(String(describing: unknownAbsolute))")
        // A per-user endpoint asked for another domain's address on alpha's host.
        let foreign = try ask(Self.request("/mobileconfig?emailaddress=bob%40beta.test", headers: ["Host: autoconfig.alpha.test"]))
        #expect(foreign?.status == 400)
        #expect(foreign?.body.contains("beta.test") == false || foreign?.body.contains("imap.") == false)
        let traversal = try ask(Self.request("/mobileconfig?emailaddress=%2e%2e%2f%2e%2e%2fetc%2fpasswd%40alpha.test", headers: ["Host: autoconfig.alpha.test"]))
        #expect(traversal?.status == 400)
        let pathTraversal = try ask(Self.request("/mail/../mail/config-v1.1.xml", headers: ["Host: autoconfig.beta.test"]))
        #expect(pathTraversal.map { !$0.body.contains("imap.alpha.test") } ?? true)
    }

    @Test func theHostHeaderNotTheServerNameDecides() async throws {
        let service = try await Self.publishing(tls: true)
        defer { Task { await service.stop() } }
        // TLS to beta (SNI, certificate verified for beta), then Host: alpha. The answer is for the
        // Host, alpha: public settings of the domain asked for, never beta's on alpha's behalf.
        let crossed = try await curl("https://autoconfig.beta.test:\(service.port)/mail/config-v1.1.xml", headers: ["Host: autoconfig.alpha.test"],
                                     extra: ["--cacert", TestCA.shared.caFile, "--resolve", "autoconfig.beta.test:\(service.port):127.0.0.1"])
        #expect(crossed.status == 200)
        #expect(crossed.body.contains("imap.alpha.test"))
        #expect(!crossed.body.contains("beta"))
    }

    @Test func malformedAndHugePOXGetA4xx() async throws {
        let service = try await Self.publishing()
        defer { Task { await service.stop() } }
        func post(_ body: String, host: String = "autodiscover.alpha.test") async throws -> HTTPExchange {
            try await curl("http://127.0.0.1:\(service.port)/autodiscover/autodiscover.xml", method: "POST", body: body, contentType: "text/xml", headers: ["Host: \(host)"])
        }
        let cases: [(String, [Int])] = [
            ("", [400]),
            ("not xml at all", [400]),
            ("<Autodiscover><Request><EMailAddress>a@alpha.test", [400]),
            ("<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY e \"x\"><!ENTITY f \"&e;&e;&e;&e;\">]><Autodiscover><Request><EMailAddress>&f;@alpha.test</EMailAddress></Request></Autodiscover>", [400]),
            ("<Autodiscover><Request><EMailAddress>" + String(repeating: "a", count: 70_000) + "@alpha.test</EMailAddress></Request></Autodiscover>", [413]),
            (String(repeating: "<a>", count: 5_000), [400, 413]),
            ("<Autodiscover><Request><EMailAddress>bob@beta.test</EMailAddress></Request></Autodiscover>", [404]),
            ("<Autodiscover><Request><EMailAddress>a\u{0}@alpha.test</EMailAddress></Request></Autodiscover>", [400, 404]),
        ]
        for (body, statuses) in cases {
            let answer = try await post(body)
            #expect(statuses.contains(answer.status), "\(body.prefix(60)): \(answer.status) \(answer.body.prefix(200))")
            #expect(!answer.body.contains("imap."), "\(body.prefix(60))")
        }
    }
}
