import AutoconfTestSupport
import Foundation
import Testing

/// `autoconf publish`: what a domain owner publishes, read back the way clients read it.
@Suite struct PublishCLITests {
    static let provider = """
        <clientConfig version="1.1"><emailProvider id="pubcli.test">
          <domain>pubcli.test</domain>
          <incomingServer type="imap"><hostname>imap.pubcli.test</hostname><port>993</port><socketType>SSL</socketType>
            <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
          <incomingServer type="pop3"><hostname>pop.%EMAILDOMAIN%</hostname><port>110</port><socketType>STARTTLS</socketType>
            <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
          <outgoingServer type="smtp"><hostname>smtp.pubcli.test</hostname><port>587</port><socketType>STARTTLS</socketType>
            <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
        </emailProvider></clientConfig>
        """

    func autoconf(_ arguments: [String]) async throws -> CommandResult {
        try await runCommandAsync(TestPaths.autoconfBinary.path, arguments, environment: CLITests.environment())
    }

    /// The printed zone is valid master-file syntax (ldns reads it), and served by a real DNS
    /// server it makes an RFC 6186 lookup find exactly the file's servers.
    @Test func publishedRecordsRoundTripThroughARealDNSServer() async throws {
        let directory = TestPaths.temporaryDirectory("publish-dns")
        try Self.provider.write(to: directory.appendingPathComponent("pubcli.xml"), atomically: true, encoding: .utf8)
        let printed = try await autoconf(["publish", "dns", "pubcli.test", "--providers", directory.path, "--publisher", "publisher.pubcli.test"])
        #expect(printed.status == 0, "\(printed.stderr)")
        let zone = directory.appendingPathComponent("zone.txt")
        try printed.stdout.write(to: zone, atomically: true, encoding: .utf8)
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/ldns-read-zone") {
            let read = try await runCommandAsync("/usr/bin/ldns-read-zone", [zone.path])
            #expect(read.status == 0, "ldns-read-zone: \(read.stderr)")
        }

        var dnsmasq: [String] = []
        for line in printed.stdout.split(separator: "\n") where !line.hasPrefix(";") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard fields.count >= 5 else { continue }
            let name = String(fields[0].dropLast())
            switch fields[3] {
            case "SRV" where fields[7] == ".": dnsmasq.append("srv-host=\(name)")
            case "SRV": dnsmasq.append("srv-host=\(name),\(fields[7].dropLast()),\(fields[6]),\(fields[4]),\(fields[5])")
            case "CNAME": dnsmasq.append("cname=\(name),\(fields[4].dropLast())")
            default: Issue.record("unexpected record \(line)")
            }
        }
        #expect(dnsmasq.contains("srv-host=_imaps._tcp.pubcli.test,imap.pubcli.test,993,0,1"))
        #expect(dnsmasq.contains("srv-host=_pop3._tcp.pubcli.test,pop.pubcli.test,110,0,1"))
        #expect(dnsmasq.contains("srv-host=_imap._tcp.pubcli.test"))
        #expect(dnsmasq.contains("cname=autoconfig.pubcli.test,publisher.pubcli.test"))
        let dns = try await DNSTestServer.dnsmasq(dnsmasq + ["host-record=publisher.pubcli.test,127.0.0.1"])
        defer { dns.stop() }
        let lookup = try await autoconf(["lookup", "alice@pubcli.test", "--json", "--no-user-providers", "--plugins", "srv", "--dns-server", dns.address, "--trust-anchor", "none"])
        #expect(lookup.status == 0, "\(lookup.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(lookup.stdout.utf8)) as? [String: Any])
        let incoming = try #require(json["incoming"] as? [String: Any])
        #expect(incoming["host"] as? String == "imap.pubcli.test")
        #expect(incoming["port"] as? Int == 993)
        #expect(incoming["socket"] as? String == "SSL")
        let outgoing = try #require(json["outgoing"] as? [String: Any])
        #expect(outgoing["host"] as? String == "smtp.pubcli.test")
        #expect(outgoing["port"] as? Int == 587)
        #expect(outgoing["socket"] as? String == "STARTTLS")
    }

    @Test func badInputAndUnknownDomains() async throws {
        let directory = TestPaths.temporaryDirectory("publish-bad")
        try Self.provider.write(to: directory.appendingPathComponent("pubcli.xml"), atomically: true, encoding: .utf8)
        let unknown = try await autoconf(["publish", "dns", "other.test", "--providers", directory.path])
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "autoconf: no provider file publishes other.test\n")
        try "<clientConfig>".write(to: directory.appendingPathComponent("broken.xml"), atomically: true, encoding: .utf8)
        let broken = try await autoconf(["publish", "dns", "pubcli.test", "--providers", directory.path])
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("broken.xml"))
        #expect(broken.stderr.split(separator: "\n").count == 1)
        for arguments in [["publish", "dns", "co.uk"], ["publish", "dns", "x y"], ["publish", "dns", "gmail.com", "--ttl", "1"],
                          ["publish", "dns", "gmail.com", "--publisher", "bad host"]] {
            let result = try await autoconf(arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
        }
    }
}
