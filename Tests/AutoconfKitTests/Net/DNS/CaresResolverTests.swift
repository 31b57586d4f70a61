import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// The c-ares resolver against real DNS servers on 127.0.0.1 (dnsmasq, and stubs for a dead
/// resolver and a DNSSEC-validating one).
@Suite struct CaresResolverTests {
    static let records = [
        "mx-host=x.test,mx1.x.test,20",
        "mx-host=x.test,mx0.x.test,5",
        "srv-host=_imaps._tcp.x.test,imap.x.test,993,0,1",
        "srv-host=_pop3._tcp.x.test",
        "txt-record=x.test,\"v=spf1 -all\",\" second part\"",
        "txt-record=x.test,other",
        "cname=alias.x.test,real.x.test",
        "host-record=real.x.test,127.0.0.5,::5",
        "host-record=v4.x.test,127.0.0.6",
    ]

    @Test func readsMXSRVTXTAndAddresses() async throws {
        let server = try await DNSTestServer.dnsmasq(Self.records)
        let dns = CaresResolver(servers: [server.address])

        let mx = try await dns.mx("x.test")
        #expect(Set(mx.records) == [MXRecord(preference: 5, host: "mx0.x.test"), MXRecord(preference: 20, host: "mx1.x.test")])
        #expect(mx.authenticated == false)

        let srv = try await dns.srv("_imaps._tcp.x.test")
        #expect(srv.records == [SRVRecord(priority: 0, weight: 1, port: 993, target: "imap.x.test")])
        let notOffered = try await dns.srv("_pop3._tcp.x.test")
        #expect(notOffered.records.map(\.target) == ["."])

        let txt = try await dns.txt("x.test")
        #expect(Set(txt.records) == ["v=spf1 -all second part", "other"])

        let both = try await dns.addresses("real.x.test")
        #expect(Set(both.records) == ["127.0.0.5", "::5"])
        let v4 = try await dns.addresses("v4.x.test")
        #expect(v4.records == ["127.0.0.6"])

        let alias = try await dns.cname("alias.x.test")
        #expect(alias.records == "real.x.test")
        let direct = try await dns.cname("real.x.test")
        #expect(direct.records == nil)
    }

    @Test func tellsNXDOMAINFromNODATAQuickly() async throws {
        let server = try await DNSTestServer.dnsmasq(Self.records)
        let dns = CaresResolver(servers: [server.address])
        let start = ContinuousClock.now
        await #expect(throws: DNSError.nxdomain("nothing.x.test")) { try await dns.mx("nothing.x.test") }
        #expect(ContinuousClock.now - start < .milliseconds(1000))
        await #expect(throws: DNSError.nodata("v4.x.test")) { try await dns.mx("v4.x.test") }
        await #expect(throws: DNSError.nodata("x.test")) { try await dns.srv("x.test") }
        await #expect(throws: DNSError.nxdomain("nothing.x.test")) { try await dns.addresses("nothing.x.test") }
    }

    @Test func deadResolverTimesOutAtTheDeadline() async throws {
        let server = try await DNSTestServer.silent()
        let dns = CaresResolver(servers: [server.address])
        let start = ContinuousClock.now
        let deadline = start.advanced(by: .milliseconds(300))
        let result = await DNSDeadline.$current.withValue(deadline) {
            await captureDNS { () async throws(DNSError) in try await dns.mx("x.test") }
        }
        let elapsed = ContinuousClock.now - start
        #expect(result.failure == .timeout("x.test"))
        #expect(elapsed >= .milliseconds(280))
        #expect(elapsed < .milliseconds(1000))

        // The resolver's own per-query limit holds without a lookup deadline too.
        let quick = CaresResolver(servers: [server.address], queryTimeout: .milliseconds(200))
        let again = ContinuousClock.now
        await #expect(throws: DNSError.timeout("y.test")) { try await quick.txt("y.test") }
        #expect(ContinuousClock.now - again < .milliseconds(1000))
    }

    @Test func cancellationEndsTheWaitPromptly() async throws {
        let server = try await DNSTestServer.silent()
        let dns = CaresResolver(servers: [server.address])
        let start = ContinuousClock.now
        let task = Task { await captureDNS { () async throws(DNSError) in try await dns.mx("x.test") } }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let result = await task.value
        #expect(result.failure == .cancelled("x.test"))
        #expect(ContinuousClock.now - start < .milliseconds(1000))
    }

    @Test func ignoresTheADBitByDefault() async throws {
        // The stub sets AD on unsigned data, as a hostile Wi-Fi's resolver can: not authenticated.
        let server = try await DNSTestServer.signed([
            "signed.test": ["MX": [[10, "mx.signed.test"]]],
            "_imaps._tcp.signed.test": ["SRV": [[0, 1, 993, "imap.attacker.test"]]],
        ])
        let dns = CaresResolver(servers: [server.address])
        let mx = try await dns.mx("signed.test")
        #expect(mx.records == [MXRecord(preference: 10, host: "mx.signed.test")])
        #expect(!mx.authenticated)
        #expect(!(try await dns.srv("_imaps._tcp.signed.test")).authenticated)
    }

    @Test func reportsTheADBitWhenTold() async throws {
        let server = try await DNSTestServer.signed([
            "signed.test": ["MX": [[10, "mx.signed.test"]]],
            "_imaps._tcp.signed.test": ["SRV": [[0, 1, 993, "imap.signed.test"]]],
        ])
        let dns = CaresResolver(servers: [server.address], trustsAD: true)
        let mx = try await dns.mx("signed.test")
        #expect(mx.records == [MXRecord(preference: 10, host: "mx.signed.test")])
        #expect(mx.authenticated)
        let srv = try await dns.srv("_imaps._tcp.signed.test")
        #expect(srv.authenticated)
        await #expect(throws: DNSError.nxdomain("nx.signed.test")) { try await dns.mx("nx.signed.test") }
    }

    @Test func runsManyQueriesConcurrently() async throws {
        let server = try await DNSTestServer.dnsmasq((0..<40).map { "host-record=h\($0).x.test,127.0.1.\($0)" })
        let dns = CaresResolver(servers: [server.address])
        let answers = await withTaskGroup(of: (Int, [String]).self) { group in
            for index in 0..<40 {
                group.addTask { (index, (try? await dns.addresses("h\(index).x.test").records) ?? []) }
            }
            var all: [Int: [String]] = [:]
            for await (index, records) in group { all[index] = records }
            return all
        }
        #expect(answers.count == 40)
        for (index, records) in answers { #expect(records == ["127.0.1.\(index)"]) }
    }

    @Test func rejectsBadNamesAndServers() async throws {
        let server = try await DNSTestServer.dnsmasq([])
        let dns = CaresResolver(servers: [server.address])
        await #expect(throws: DNSError.self) { try await dns.mx("bad name.test") }
        let broken = CaresResolver(servers: ["not-an-ip"])
        await #expect(throws: DNSError.self) { try await broken.mx("x.test") }
    }

    @Test func parsesDNSServerAddresses() throws {
        #expect(try DNSServerAddress.parse("127.0.0.1:5353").get() == DNSServerAddress(host: "127.0.0.1", port: 5353, isIPv6: false))
        #expect(try DNSServerAddress.parse("9.9.9.9").get().port == 53)
        #expect(try DNSServerAddress.parse("::1").get() == DNSServerAddress(host: "::1", port: 53, isIPv6: true))
        #expect(try DNSServerAddress.parse("[::1]:53000").get() == DNSServerAddress(host: "::1", port: 53000, isIPv6: true))
        for bad in ["", "dns.example", "1.2.3.4:0", "1.2.3.4:99999", "[::1", "1.2.3.4:x", "[::1]x"] {
            guard case .failure(let error) = DNSServerAddress.parse(bad) else {
                Issue.record("accepted \(bad)")
                continue
            }
            #expect(error.message.hasPrefix("--dns-server"))
            #expect(!error.message.contains("\n"))
        }
    }
}

/// Runs a typed-throwing DNS call and captures its outcome.
func captureDNS<T>(_ operation: () async throws(DNSError) -> T) async -> Result<T, DNSError> {
    do throws(DNSError) { return .success(try await operation()) } catch { return .failure(error) }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
