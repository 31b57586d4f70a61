import AutoconfTestSupport
import Foundation
import Testing

/// `autoconf-serve` declares the lookups' source and network options with the CLI's own option
/// groups (AutoconfCommandOptions): the same names, help, validation and one-line messages.
@Suite struct ServeOptionsTests {
    typealias ServeProcess = ServeCommandTests.ServeProcess

    /// The message after the program's prefix ("autoconf: ", "autoconf serve: ").
    func message(_ stderr: String, after prefix: String) -> String {
        String(stderr.trimmingCharacters(in: .newlines).dropFirst(prefix.count))
    }

    @Test func badTrustOptionsAreRefusedWithTheCLIsMessage() async throws {
        for bad in [
            ["--trust-resolver-ad", "--dns-server", "9.9.9.9"],
            ["--trust-resolver-ad"],
            ["--trust-anchor", "/nonexistent/anchor.ds"],
            ["--trust-anchor", "none", "--trust-resolver-ad", "--dns-server", "127.0.0.1"],
        ] {
            let served = try await runCommandAsync(serveBinary.path, ["--listen", "127.0.0.1:0", "--no-user-providers"] + bad)
            let looked = try await runCommandAsync(TestPaths.autoconfBinary.path, ["lookup", "a@example.test", "--no-user-providers"] + bad)
            #expect(served.status == 2, "\(bad): \(served.stderr)")
            #expect(served.stderr.split(separator: "\n").count == 1, "\(bad): \(served.stderr)")
            #expect(served.stderr.hasPrefix("autoconf serve: "))
            #expect(looked.status == 2)
            #expect(message(served.stderr, after: "autoconf serve: ") == message(looked.stderr, after: "autoconf: "), "\(bad)")
        }
        let remote = try await runCommandAsync(serveBinary.path, ["--listen", "127.0.0.1:0", "--trust-resolver-ad", "--dns-server", "9.9.9.9"])
        #expect(remote.stderr.contains("'9.9.9.9' is not a loopback address"), "\(remote.stderr)")
    }

    @Test func lookupsWithTrustAnchorNoneWorkAgainstDnsmasq() async throws {
        let dns = try await DNSTestServer.dnsmasq([
            "srv-host=_imaps._tcp.srvserve.test,imap.srvserve.test,993,0,1",
            "srv-host=_submissions._tcp.srvserve.test,smtp.srvserve.test,465,0,1",
        ])
        let serve = try ServeProcess(serveBinary.path, ["--listen", "127.0.0.1:0", "--no-user-providers", "--dns-server", dns.address, "--trust-anchor", "none"])
        let response = try await curl("http://127.0.0.1:\(serve.port)/v1/lookup?email=a%40srvserve.test&plugins=srv")
        #expect(response.status == 200, "\(response.body)")
        #expect((response.json?["incoming"] as? [String: Any])?["host"] as? String == "imap.srvserve.test", "\(response.body)")
        #expect(serve.terminate() == 0)
    }

    /// The anchor reaches the service's lookups: validated from the zone's own key, the SRV
    /// answer is trusted; with `--trust-anchor none` the same answer is only to be confirmed.
    @Test func theTrustAnchorDecidesWhatTheServiceTrusts() async throws {
        let zone = try await SignedZoneServer.start(origin: "signed.test", records: [
            "_imaps._tcp IN SRV 0 1 993 imap.provider.test.",
            "_submissions._tcp IN SRV 0 1 465 smtp.provider.test.",
        ])
        defer { zone.stop() }
        for (anchor, level) in [(zone.anchor, "trusted"), ("none", "confirm")] {
            let serve = try ServeProcess(serveBinary.path, ["--listen", "127.0.0.1:0", "--no-user-providers", "--dns-server", zone.address, "--trust-anchor", anchor])
            let response = try await curl("http://127.0.0.1:\(serve.port)/v1/lookup?email=a%40signed.test&plugins=srv")
            #expect(response.status == 200, "\(response.body)")
            #expect((response.json?["incoming"] as? [String: Any])?["host"] as? String == "imap.provider.test", "\(response.body)")
            #expect((response.json?["trust"] as? [String: Any])?["level"] as? String == level, "\(anchor): \(response.body)")
            #expect(serve.terminate() == 0)
        }
    }

    @Test func helpListsTheSharedOptions() async throws {
        let shared = ["--dns-server", "--trust-resolver-ad", "--trust-anchor", "--ca-file", "--resolve", "--connect-to", "--ispdb-url", "--office365-url", "--http-timeout"]
        let serve = try await runCommandAsync(serveBinary.path, ["--help"])
        #expect(serve.status == 0)
        for option in shared + ["--providers", "--no-user-providers", "--https-only"] {
            #expect(serve.stdout.contains(option), "autoconf-serve --help lacks \(option)")
        }
        let check = try await runCommandAsync(TestPaths.autoconfBinary.path, ["check", "--help"])
        #expect(check.status == 0)
        for option in shared { #expect(check.stdout.contains(option), "autoconf check --help lacks \(option)") }
        // The same help line for the same option in both.
        let line = { (text: String) in text.split(separator: "\n").first { $0.contains("--trust-resolver-ad") }.map { $0.trimmingCharacters(in: .whitespaces) } }
        #expect(line(serve.stdout) != nil && line(serve.stdout) == line(check.stdout))
        let completion = try await runCommandAsync(TestPaths.autoconfBinary.path, ["--generate-completion-script", "bash"])
        #expect(completion.status == 0 && completion.stdout.contains("--office365-url") && completion.stdout.contains("--trust-anchor"))
    }

    @Test func badHTTPTimeoutIsOneLineAndExitTwo() async throws {
        let result = try await runCommandAsync(serveBinary.path, ["--listen", "127.0.0.1:0", "--http-timeout", "0"])
        #expect(result.status == 2)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("--http-timeout must be between 0 and 600 seconds"), "\(result.stderr)")
    }
}
