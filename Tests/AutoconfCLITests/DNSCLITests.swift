import AutoconfTestSupport
import Foundation
import Testing

/// The built binary end to end, with DNS from dnsmasq and mail servers on loopback.
@Suite struct DNSCLITests {
    @Test func probeOnlyDomainThroughTheCLI() async throws {
        let mail = try await MailTestServer.start([.init("imaps", "imap", .implicit), .init("smtps", "smtp", .implicit)], names: ["imap.cli.test", "smtp.cli.test"])
        // The domain exists (an SPF record at its apex) but publishes no mail settings.
        let dns = try await DNSTestServer.dnsmasq(["txt-record=cli.test,\"v=spf1 -all\""])
        let result = try await offThePool {
            try runCommand(TestPaths.autoconfBinary.path, [
                "lookup", "a@cli.test", "--json", "--no-user-providers", "--plugins", "gmail,office365,mx,srv,probe",
                "--dns-server", dns.address, "--trust-anchor", "none", "--ca-file", TestCA.shared.caFile,
                "--connect-to", "imap.cli.test:993:127.0.0.1:\(mail.port("imaps"))",
                "--connect-to", "smtp.cli.test:465:127.0.0.1:\(mail.port("smtps"))",
            ])
        }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("imap.cli.test"))
        #expect(result.stdout.contains("smtp.cli.test"))
        #expect(result.stdout.contains("guessed"))
    }

    @Test func srvDomainAndNotFoundExitCodes() async throws {
        let dns = try await DNSTestServer.dnsmasq([
            "srv-host=_imaps._tcp.srvcli.test,imap.srvcli.test,993,0,1",
            "srv-host=_submissions._tcp.srvcli.test,smtp.srvcli.test,465,0,1",
        ])
        let found = try await offThePool {
            try runCommand(TestPaths.autoconfBinary.path, ["lookup", "a@srvcli.test", "--no-user-providers", "--plugins", "srv", "--dns-server", dns.address, "--trust-anchor", "none"])
        }
        #expect(found.status == 0, "\(found.stderr)")
        #expect(found.stdout.contains("imap.srvcli.test"))
        let missing = try await offThePool {
            try runCommand(TestPaths.autoconfBinary.path, ["lookup", "a@missing.test", "--no-user-providers", "--plugins", "mx,srv", "--dns-server", dns.address, "--trust-anchor", "none"])
        }
        #expect(missing.status == 1)
        #expect(missing.stdout == "a@missing.test: no configuration found: missing.test does not exist (DNS NXDOMAIN)\n")
    }

    @Test func badDNSServerIsOneLineError() throws {
        for bad in [["--dns-server", "dns.example"], ["--resolve", "nonsense"], ["--connect-to", "a:b"], ["--ca-file", "/nonexistent/ca.pem"]] {
            let result = try runCommand(TestPaths.autoconfBinary.path, ["lookup", "a@example.test", "--no-user-providers"] + bad)
            #expect(result.status == 2)
            #expect(result.stderr.contains(bad[0]))
        }
    }

    @Test func trustResolverADOnlyForLoopback() throws {
        for bad in [["--trust-resolver-ad"], ["--trust-resolver-ad", "--dns-server", "9.9.9.9"], ["--trust-resolver-ad", "--dns-server", "127.0.0.1", "--dns-server", "[2001:db8::1]:53"]] {
            let result = try runCommand(TestPaths.autoconfBinary.path, ["lookup", "a@example.test", "--no-user-providers", "--offline"] + bad)
            #expect(result.status == 2)
            #expect(result.stderr.contains("--trust-resolver-ad"))
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
    }
}
