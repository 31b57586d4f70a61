@testable import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// The allow-downgrade decision (`DNSSECPath`): asked once per resolver set, beside the first
/// record query, so a resolver that cannot carry DNSSEC costs one round trip per record, and one
/// that can still has bogus answers refused.
@Suite struct DNSSECPathTests {
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func next() -> Int { lock.withLock { count += 1; return count } }
        var value: Int { lock.withLock { count } }
    }

    @Test func theQuestionIsAskedOnceForEveryWaiter() async {
        let asked = Counter()
        let path = DNSSECPath {
            _ = asked.next()
            try? await Task.sleep(for: .milliseconds(100))
            return false
        }
        #expect(path.known == nil)
        let verdicts = await withTaskGroup(of: Bool?.self) { group in
            for _ in 0..<8 { group.addTask { await path.carriesDNSSEC() } }
            var all: [Bool?] = []
            for await verdict in group { all.append(verdict) }
            return all
        }
        #expect(verdicts == Array(repeating: false, count: 8))
        #expect(await path.carriesDNSSEC() == false)
        #expect(path.known == false)
        #expect(asked.value == 1)
    }

    @Test func aCancelledWaiterLeavesAndTheOthersGetTheVerdict() async {
        let asked = Counter()
        let path = DNSSECPath {
            _ = asked.next()
            try? await Task.sleep(for: .milliseconds(200))
            return true
        }
        let leaver = Task { await path.carriesDNSSEC() }
        let stayer = Task { await path.carriesDNSSEC() }
        try? await Task.sleep(for: .milliseconds(50))
        let start = ContinuousClock.now
        leaver.cancel()
        #expect(await leaver.value == nil)
        #expect(ContinuousClock.now - start < .milliseconds(100))
        #expect(await stayer.value == true)
        #expect(asked.value == 1)
    }

    /// The sim's resolver, dnsmasq serving `.test`, intranet split DNS: no root DNSKEY. Each
    /// record query costs one round trip (before: libunbound's failing key queries, a bogus
    /// verdict, then the key check and the plain query, one after the other), and once the verdict
    /// is in, a record is asked once, plainly: nothing more is sent to libunbound (whose own
    /// priming of the root key may still be retrying in the background).
    @Test func aResolverWithoutKeysCostsOneRoundTripPerRecord() async throws {
        let rtt = 150
        let dns = try await DNSTestServer.delayed(milliseconds: rtt, [
            "_imaps._tcp.plain.test": ["SRV": [[0, 1, 993, "imap.plain.test"]]],
            "plain.test": ["MX": [[10, "mx.plain.test"]]],
        ], logging: true)
        let resolver = LazyDNSResolver(servers: [dns.address], trustAnchor: .root)

        var start = ContinuousClock.now
        let srv = try await resolver.srv("_imaps._tcp.plain.test")
        #expect(ContinuousClock.now - start < .milliseconds(2 * rtt))
        #expect(srv.records == [SRVRecord(priority: 0, weight: 1, port: 993, target: "imap.plain.test")])
        #expect(!srv.authenticated)
        let asked = dns.queries()
        #expect(asked.filter { $0 == "48 ." }.count >= 1)

        let before = dns.queries().count
        start = ContinuousClock.now
        let mx = try await resolver.mx("plain.test")
        #expect(ContinuousClock.now - start < .milliseconds(2 * rtt))
        #expect(mx.records == [MXRecord(preference: 10, host: "mx.plain.test")])
        #expect(mx.validation == .unchecked)
        #expect(dns.queries().dropFirst(before).filter { $0.hasSuffix(" plain.test") } == ["15 plain.test"])
        // A name that does not exist: NXDOMAIN in one round trip.
        start = ContinuousClock.now
        await #expect(throws: DNSError.nxdomain("nope.test")) { try await resolver.mx("nope.test") }
        #expect(ContinuousClock.now - start < .milliseconds(2 * rtt))
    }

    /// libunbound's resolver is built on a thread of its own: its load waits for the dynamic
    /// loader's lock (held by libcurl's load at a lookup's start), and while it was built on the
    /// asking task, that task's thread — and every other record query, waiting for the same
    /// resolver — was blocked, so with two cores no DNS query of the lookup went out until the load
    /// was done. Here the build takes 2 s of a blocked thread: more record and address queries
    /// than the machine has cores are all answered plainly meanwhile (one round trip of 50 ms; the
    /// limit leaves room for a machine loaded by the other suites).
    @Test func buildingTheValidatorBlocksNoQuery() async throws {
        let rtt = 50
        let dns = try await DNSTestServer.delayed(milliseconds: rtt, [
            "plain.test": ["MX": [[10, "mx.plain.test"]]],
            "_imaps._tcp.plain.test": ["SRV": [[0, 1, 993, "imap.plain.test"]]],
            "_submissions._tcp.plain.test": ["SRV": [[0, 1, 465, "smtp.plain.test"]]],
            "imap.plain.test": ["A": ["127.0.0.1"]],
        ])
        let resolver = LazyDNSResolver(servers: [dns.address], trustAnchor: .root, beforeValidator: { usleep(2_000_000) })
        resolver.prepare(records: true)
        let start = ContinuousClock.now
        let took = try await withThrowingTaskGroup(of: Duration.self) { group in
            let cores = ProcessInfo.processInfo.activeProcessorCount
            for index in 0..<(2 * cores + 2) {
                group.addTask { () async throws -> Duration in
                    let answered: Bool
                    switch index % 4 {
                    case 0: answered = try await resolver.mx("plain.test").records == [MXRecord(preference: 10, host: "mx.plain.test")]
                    case 1: answered = try await resolver.srv("_imaps._tcp.plain.test").records.count == 1
                    case 2: answered = try await resolver.srv("_submissions._tcp.plain.test").records.count == 1
                    default: answered = try await resolver.addresses("imap.plain.test").records == ["127.0.0.1"]
                    }
                    #expect(answered)
                    return ContinuousClock.now - start
                }
            }
            var slowest = Duration.zero
            for try await took in group { slowest = max(slowest, took) }
            return slowest
        }
        #expect(took < .milliseconds(1200))
    }

    /// A path that carries DNSSEC (nsd serves the anchor zone's keys) keeps every guarantee through
    /// the race: validated answers are validated, a tampered one stays refused, never replaced by
    /// the plain answer that arrived first.
    @Test func aPathThatCarriesDNSSECStillRefusesBogus() async throws {
        let zone = try await SignedZoneServer.start(origin: "signed.test", records: DNSSECTests.records, tamper: "_imaps._tcp")
        let resolver = LazyDNSResolver(servers: [zone.address], trustAnchor: .file(zone.anchor))
        await #expect { try await resolver.srv("_imaps._tcp.signed.test") } throws: { error in
            if case DNSError.bogus = error { true } else { false }
        }
        #expect(try await resolver.srv("_submissions._tcp.signed.test").validation == .validated)
        // Once the verdict is in, too.
        await #expect { try await resolver.srv("_imaps._tcp.signed.test") } throws: { error in
            if case DNSError.bogus = error { true } else { false }
        }
        #expect(try await resolver.mx("signed.test").validation == .validated)
    }
}
