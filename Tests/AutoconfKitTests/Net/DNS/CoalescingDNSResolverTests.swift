@testable import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// Identical queries in flight share one request; one asker giving up never fails the others.
@Suite struct CoalescingDNSResolverTests {
    /// Answers every MX query after `delay`, counting how often it was asked.
    final class SlowCountingDNS: DNSResolving, @unchecked Sendable {
        let delay: Duration
        private let lock = NSLock()
        private var asked = 0
        private var cancelled = 0
        init(delay: Duration) { self.delay = delay }
        var queries: Int { lock.withLock { asked } }
        var cancellations: Int { lock.withLock { cancelled } }

        func mx(_ name: String) async throws(DNSError) -> DNSAnswer<[MXRecord]> {
            lock.withLock { asked += 1 }
            do { try await Task.sleep(for: delay) } catch {
                lock.withLock { cancelled += 1 }
                throw .cancelled(name)
            }
            return DNSAnswer(records: [MXRecord(preference: 10, host: "mx.\(name)")], authenticated: false)
        }
        func srv(_ name: String) async throws(DNSError) -> DNSAnswer<[SRVRecord]> { throw .nxdomain(name) }
        func txt(_ name: String) async throws(DNSError) -> DNSAnswer<[String]> { throw .nxdomain(name) }
        func addresses(_ name: String) async throws(DNSError) -> DNSAnswer<[String]> { throw .nxdomain(name) }
        func cname(_ name: String) async throws(DNSError) -> DNSAnswer<String?> { throw .nxdomain(name) }
    }

    @Test func concurrentIdenticalQueriesAskOnce() async throws {
        let base = SlowCountingDNS(delay: .milliseconds(100))
        let dns = CoalescingDNSResolver(base)
        let hosts = await withTaskGroup(of: String?.self) { group in
            for _ in 0..<3 { group.addTask { try? await dns.mx("example.test").records.first?.host } }
            group.addTask { try? await dns.mx("Example.TEST").records.first?.host }
            var all: [String?] = []
            for await host in group { all.append(host) }
            return all
        }
        #expect(hosts == Array(repeating: "mx.example.test", count: 4))
        #expect(base.queries == 1)
        // Once answered, the next query asks again (nothing is cached).
        _ = try await dns.mx("example.test")
        #expect(base.queries == 2)
    }

    @Test func oneCancelledAskerDoesNotFailTheOthers() async throws {
        let base = SlowCountingDNS(delay: .milliseconds(200))
        let dns = CoalescingDNSResolver(base)
        let quitter = Task { try await dns.mx("example.test") }
        let stayer = Task { try await dns.mx("example.test") }
        try await Task.sleep(for: .milliseconds(50))
        quitter.cancel()
        let answer = try await stayer.value
        #expect(answer.records.first?.host == "mx.example.test")
        #expect(base.queries == 1)
        #expect(base.cancellations == 0)
    }

    @Test func whenEveryAskerIsCancelledTheQueryIsCancelled() async throws {
        let base = SlowCountingDNS(delay: .seconds(30))
        let dns = CoalescingDNSResolver(base)
        let first = Task { try await dns.mx("example.test") }
        let second = Task { try await dns.mx("example.test") }
        try await Task.sleep(for: .milliseconds(50))
        let start = ContinuousClock.now
        first.cancel()
        second.cancel()
        for task in [first, second] {
            do {
                _ = try await task.value
                Issue.record("a cancelled query answered")
            } catch {
                #expect(error as? DNSError == .cancelled("example.test"))
            }
        }
        #expect(ContinuousClock.now - start < .seconds(10))
        try await Task.sleep(for: .milliseconds(50))
        #expect(base.cancellations == 1)
    }
}
