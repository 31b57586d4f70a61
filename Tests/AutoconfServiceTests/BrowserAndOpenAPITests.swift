import AutoconfKit
@testable import AutoconfService
import AutoconfTestSupport
import Foundation
import Testing

@Suite(.serialized) struct BrowserAndOpenAPITests {
    static let password = "s3cret-Pa55"
    static let script = TestPaths.packageRoot.appendingPathComponent("Tests/AutoconfServiceTests/setup_page_browser.py").path

    /// The setup page in headless Chromium, keyboard only: the servers fill in as the address is
    /// typed, a wrong password shows the server's refusal, the manual form with `host: port` logs in.
    @Test func theSetupPageInARealBrowser() async throws {
        let login = try await LoginServer.start(accounts: ["alice@login.test": Self.password], options: ["--fail-text", "[ALERT] Invalid credentials (Failure)"])
        let config = """
            <?xml version="1.0"?>
            <clientConfig version="1.1"><emailProvider id="login.test"><domain>login.test</domain><displayName>Login Test Mail</displayName>
            <incomingServer type="imap"><hostname>\(login.hostname)</hostname><port>\(login.port("imaps"))</port><socketType>SSL</socketType><authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></incomingServer>
            <outgoingServer type="smtp"><hostname>\(login.hostname)</hostname><port>\(login.port("smtps"))</port><socketType>SSL</socketType><authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></outgoingServer>
            </emailProvider></clientConfig>
            """
        let http = try await HTTPTestServer.start(routes: [.answer("ispdb.test", "/v1.1/login.test", body: config)])
        var options = http.options(plugins: ["ispdb"])
        options.resolve = login.resolve
        let service = try await RunningService(serviceConfiguration(options))
        defer { Task { await service.stop() } }
        let result = try await runCommandAsync("python3", [
            Self.script, service.base, "alice@login.test", Self.password, login.hostname, "bob@elsewhere.test",
            "\(login.hostname): \(login.port("imaps"))", "\(login.hostname):\(login.port("smtps"))", "alice@login.test",
        ], timeout: 180)
        if result.status == 77 {
            print("skipped: \(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) (install chromium chromium-driver: scripts/system-packages)")
            return
        }
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr.suffix(2000))")
        #expect(result.stdout.contains("refusal: ") && result.stdout.contains("Invalid credentials"), "\(result.stdout)")
        #expect(login.logins.count >= 3)
    }

    /// schemathesis (PyPI) against the live server: every documented operation with a bounded
    /// number of generated requests; no 5xx, and every response in its documented status, type and
    /// shape. The service can reach nothing outside this machine (DNS to a closed local port, HTTP
    /// to the suite's server).
    @Test func theOpenAPIDocumentHoldsForTheLiveServer() async throws {
        let http = try await HTTPTestServer.start(routes: [.answer("ispdb.test", "/v1.1/example.test", body: ispdbConfig())])
        var options = http.options()
        options.dnsServers = ["127.0.0.1:9"]
        options.httpTimeout = .seconds(1)
        let service = try await RunningService(serviceConfiguration(options) { $0.maxTimeout = .seconds(2); $0.defaultTimeout = .seconds(2); $0.maxConcurrentLookups = 256 })
        defer { Task { await service.stop() } }
        let version = try await runCommandAsync("schemathesis", ["--version"])
        try #require(version.status == 0, "schemathesis is not installed (pip install schemathesis; scripts/system-packages does it)")
        let result = try await runCommandAsync("schemathesis", [
            "run", "\(service.base)/openapi.json", "--report-dir", TestPaths.temporaryDirectory("schemathesis").path, "--max-examples", "15", "--workers", "1", "--phases", "examples,fuzzing",
            "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            "--request-timeout", "10", "--suppress-health-check", "all", "--no-color", "--generation-deterministic",
        ], environment: ["SCHEMATHESIS_HOOKS": "", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"], timeout: 300)
        #expect(result.status == 0, "\(result.stdout.suffix(4000))\n\(result.stderr.suffix(2000))")
    }
}
