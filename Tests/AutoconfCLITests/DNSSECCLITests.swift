import AutoconfTestSupport
import Foundation
import Testing

/// `--trust-anchor` and in-process DNSSEC validation through the built binary, against a zone
/// signed with ldns-signzone and served by nsd on 127.0.0.1.
@Suite struct DNSSECCLITests {
    static let records = [
        "_imaps._tcp IN SRV 0 1 993 imap.provider.test.",
        "_submissions._tcp IN SRV 0 1 465 smtp.provider.test.",
    ]

    func lookup(_ zone: SignedZoneServer, anchor: String, _ extra: [String] = []) async throws -> CommandResult {
        try await runCommandAsync(TestPaths.autoconfBinary.path, [
            "lookup", "a@signed.test", "--no-user-providers", "--plugins", "srv", "--dns-server", zone.address, "--trust-anchor", anchor, "-v",
        ] + extra, environment: CLITests.environment())
    }

    @Test func validatedSRVIsTrustedAndTheTraceSaysValidated() async throws {
        let zone = try await SignedZoneServer.start(origin: "signed.test", records: Self.records)
        let result = try await lookup(zone, anchor: zone.anchor)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("imap.provider.test"))
        #expect(result.stdout.contains("trust     trusted") || result.stdout.contains("trusted"))
        #expect(!result.stdout.contains("confirm"))
        #expect(result.stderr.contains("SRV _imaps._tcp.signed.test: DNSSEC validated"))

        let unsigned = try await lookup(zone, anchor: "none")
        #expect(unsigned.status == 0)
        #expect(unsigned.stdout.contains("cross-domain"))
        #expect(unsigned.stderr.contains("SRV _imaps._tcp.signed.test: insecure"))
    }

    @Test func bogusAnswersAreRefusedAndSaidSo() async throws {
        let zone = try await SignedZoneServer.start(origin: "signed.test", records: Self.records, tamper: "_imaps._tcp")
        let result = try await lookup(zone, anchor: zone.anchor)
        // Not a "no": exit 3, as for a source that could not be reached.
        #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
        #expect(!result.stdout.contains("imap.provider.test"))
        #expect(result.stdout.contains("DNSSEC validation (bogus"))
        #expect(result.stderr.contains("SRV _imaps._tcp.signed.test: DNSSEC bogus, answer refused"))
        #expect(result.stderr.contains("failed (dnssec-bogus)"))

        let wrong = try await lookup(zone, anchor: zone.wrongAnchor, ["--json"])
        #expect(wrong.status == 3)
        #expect(wrong.stdout.contains("dnssec-bogus"))
    }

    @Test func badTrustAnchorsAreOneLineErrors() async throws {
        let empty = TestPaths.temporaryDirectory("anchor").appendingPathComponent("empty.ds")
        try "; no records\n".write(to: empty, atomically: true, encoding: .utf8)
        for (arguments, expected) in [
            (["--trust-anchor", "/nonexistent/anchor.ds"], "cannot be read"),
            (["--trust-anchor", empty.path], "no DS or DNSKEY"),
            (["--trust-anchor", "none", "--trust-resolver-ad", "--dns-server", "127.0.0.1"], "exclude each other"),
        ] {
            let result = try await runCommandAsync(TestPaths.autoconfBinary.path, ["lookup", "a@example.test", "--no-user-providers", "--offline"] + arguments,
                                                   environment: CLITests.environment())
            #expect(result.status == 2)
            #expect(result.stderr.contains(expected), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
    }

    /// libunbound is dlopened by the first record query: an offline lookup (and one answered
    /// without DNS records) never maps it. LD_DEBUG=files makes the dynamic loader say what it opens.
    @Test func anOfflineLookupNeverLoadsLibunbound() async throws {
        var environment = CLITests.environment()
        environment["LD_DEBUG"] = "files"
        let offline = try await runCommandAsync(TestPaths.autoconfBinary.path, ["lookup", "a@gmail.com", "--offline", "--no-user-providers"], environment: environment)
        #expect(offline.status == 0)
        #expect(offline.stderr.contains("libc.so"))  // the loader did report
        #expect(!offline.stderr.contains("libunbound"))

        let zone = try await SignedZoneServer.start(origin: "signed.test", records: Self.records)
        let online = try await runCommandAsync(TestPaths.autoconfBinary.path, [
            "lookup", "a@signed.test", "--no-user-providers", "--plugins", "srv", "--dns-server", zone.address, "--trust-anchor", zone.anchor,
        ], environment: environment)
        #expect(online.status == 0)
        #expect(online.stderr.contains("libunbound.so.8"))
    }
}
