import AutoconfKit
@testable import AutoconfService
import AutoconfTestSupport
import Foundation
import Testing

@Suite struct VerifyAndBatchTests {
    static let password = "s3cret-Pa55"

    func options(_ server: LoginServer) -> AutoconfOptions {
        AutoconfOptions(readsUserDirectory: false, environment: [:], caFile: TestCA.shared.caFile, resolve: server.resolve)
    }

    func body(_ server: LoginServer, password: String, extra: String = "") -> String {
        #"{"email": "alice@login.test", "password": "\#(password)", "imap": "\#(server.hostname):\#(server.port("imaps"))", "smtp": "\#(server.hostname): \#(server.port("smtps"))", "plugins": "bundled"\#(extra)}"#
    }

    @Test func verifyOnLoopbackLogsInAndNeverEchoesThePassword() async throws {
        let server = try await LoginServer.start(accounts: ["alice@login.test": Self.password])
        let service = try await RunningService(serviceConfiguration(options(server)))
        defer { Task { await service.stop() } }
        let response = try await curl("\(service.base)/v1/verify", method: "POST", body: body(server, password: Self.password))
        #expect(response.status == 200, "\(response.body)")
        let verification = try #require(response.json?["verification"] as? [String: Any])
        #expect(verification["succeeded"] as? Bool == true)
        #expect(!response.body.contains(Self.password))
        #expect(server.logins.count == 2)
    }

    @Test func aWrongPasswordIsReportedWithTheServersRefusal() async throws {
        let server = try await LoginServer.start(accounts: ["alice@login.test": Self.password], options: ["--fail-text", "[ALERT] Application-specific password required"])
        let service = try await RunningService(serviceConfiguration(options(server)))
        defer { Task { await service.stop() } }
        let response = try await curl("\(service.base)/v1/verify", method: "POST", body: body(server, password: "wrong-one"))
        #expect(response.status == 200)
        #expect((response.json?["verification"] as? [String: Any])?["succeeded"] as? Bool == false)
        #expect(response.body.contains("Application-specific password required"))
        #expect(!response.body.contains("wrong-one"))
    }

    @Test func verifyNeedsAPasswordAndAcceptForAnswersToConfirm() async throws {
        let server = try await LoginServer.start(accounts: ["alice@login.test": Self.password], options: ["--strip-starttls"])
        let service = try await RunningService(serviceConfiguration(options(server)))
        defer { Task { await service.stop() } }
        let none = try await curl("\(service.base)/v1/verify", method: "POST", body: #"{"email": "alice@login.test"}"#)
        #expect(none.status == 400 && none.error?.contains("password") == true)
        let plain = #"{"email": "alice@login.test", "password": "\#(Self.password)", "imap": "\#(server.hostname):\#(server.port("imap"))", "smtp": "\#(server.hostname):\#(server.port("smtp"))", "security": "plain", "allowPlaintext": true, "plugins": "bundled""#
        let refused = try await curl("\(service.base)/v1/verify", method: "POST", body: plain + "}")
        #expect(refused.status == 409, "\(refused.body)")
        #expect(refused.error?.contains("accept") == true)
        #expect(server.logins.isEmpty)
        let accepted = try await curl("\(service.base)/v1/verify", method: "POST", body: plain + #", "accept": true}"#)
        #expect(accepted.status == 200, "\(accepted.body)")
        #expect(server.logins.count == 2)
    }

    /// Behind a trusted proxy that says the client used plain HTTP, the login test is refused
    /// before any password is read; the same request marked https goes through.
    @Test func verifyIsRefusedOverPlainHTTPFromTheNetwork() async throws {
        let server = try await LoginServer.start(accounts: ["alice@login.test": Self.password])
        let service = try await RunningService(serviceConfiguration(options(server)) { $0.trustedProxies = ["127.0.0.1"] })
        defer { Task { await service.stop() } }
        let refused = try await curl("\(service.base)/v1/verify", method: "POST", body: body(server, password: Self.password), headers: ["X-Forwarded-Proto: http"])
        #expect(refused.status == 403)
        #expect(refused.error?.contains("HTTPS") == true)
        #expect(server.logins.isEmpty)
        let allowed = try await curl("\(service.base)/v1/verify", method: "POST", body: body(server, password: Self.password), headers: ["X-Forwarded-Proto: https"])
        #expect(allowed.status == 200)
    }

    /// A listener on a non-loopback address of this machine, plain HTTP: refused.
    @Test func verifyIsRefusedOnAPlainNonLoopbackListener() async throws {
        let addresses = try await runCommandAsync("hostname", ["-I"]).stdout.split(separator: " ").map(String.init).filter { $0.contains(".") && !$0.hasPrefix("127.") }
        guard let address = addresses.first else {
            print("skipped: this machine has no non-loopback IPv4 address")
            return
        }
        let service = try await RunningService(serviceConfiguration { $0.listen = [ListenAddress(host: address, port: 0)] })
        defer { Task { await service.stop() } }
        let refused = try await curl("http://\(address):\(service.port)/v1/verify", method: "POST", body: #"{"email": "alice@gmail.com", "password": "x"}"#)
        #expect(refused.status == 403)
    }

    @Test func batchIsNDJSONInOrderWithPerUserRules() async throws {
        let http = try await HTTPTestServer.start(routes: [
            .answer("ispdb.test", "/v1.1/example.test", body: ispdbConfig(imap: "%EMAILLOCALPART%.example.test")),
            .answer("ispdb.test", "/v1.1/other.test", body: ispdbConfig(imap: "imap.other.test", id: "other.test"), delayMs: 300),
        ])
        let service = try await RunningService(serviceConfiguration(http.options(plugins: ["ispdb"])))
        defer { Task { await service.stop() } }
        let input = """
            {"email": "carol@other.test"}
            "alice@example.test"
            not json

            {"email": "a@b@c"}
            {"email": "bob@example.test"}
            """
        let response = try await curl("\(service.base)/v1/batch", method: "POST", body: input, contentType: "application/x-ndjson")
        #expect(response.status == 200, "\(response.body)")
        #expect(response.headers["content-type"]?.hasPrefix("application/x-ndjson") == true)
        let lines = response.body.split(separator: "\n").compactMap { jsonObject(String($0)) }
        #expect(lines.count == 5)
        guard lines.count == 5 else { return }
        #expect(lines[0]["email"] as? String == "carol@other.test")
        #expect((lines[1]["incoming"] as? [String: Any])?["host"] as? String == "alice.example.test")
        #expect(lines[2]["line"] as? Int == 3 && (lines[2]["error"] as? String)?.contains("not a JSON object") == true)
        #expect(lines[3]["line"] as? Int == 5 && (lines[3]["error"] as? String)?.contains("invalid email address") == true)
        // Per user: bob's hostname is his own, not alice's.
        #expect((lines[4]["incoming"] as? [String: Any])?["host"] as? String == "bob.example.test")
    }

    @Test func batchLimits() async throws {
        let service = try await RunningService(serviceConfiguration { $0.maxBatchLines = 2 })
        defer { Task { await service.stop() } }
        let tooMany = try await curl("\(service.base)/v1/batch?offline=1", method: "POST", body: "\"a@gmail.com\"\n\"b@gmail.com\"\n\"c@gmail.com\"\n", contentType: "application/x-ndjson")
        #expect(tooMany.status == 413)
        let badOption = try await curl("\(service.base)/v1/batch?prefer=x", method: "POST", body: "\"a@gmail.com\"\n", contentType: "application/x-ndjson")
        #expect(badOption.status == 400)
    }
}
