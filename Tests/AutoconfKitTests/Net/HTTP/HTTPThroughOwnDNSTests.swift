import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// `--dns-server` applies to HTTP sources too: hosts are resolved by the c-ares resolver (here
/// against dnsmasq) and the addresses handed to libcurl, which would otherwise ask the system.
@Suite struct HTTPThroughOwnDNSTests {
    @Test func hostsAreResolvedByOurResolver() async throws {
        let server = try await HTTPTestServer.start(routes: [.answer("autoconfig.example.test", "/x", body: "via our DNS")])
        let dns = try await DNSTestServer.dnsmasq(["host-record=autoconfig.example.test,127.0.0.1"])
        let caFile = try await offThePool { TestCA.shared.caFile }
        let curl = try CurlHTTPClient(configuration: HTTPClientConfiguration(caFile: caFile))
        let client = DNSResolvingHTTPClient(inner: curl, resolver: CaresResolver(servers: [dns.address]))
        let response = try await client.fetch(HTTPRequest(url: "https://autoconfig.example.test:\(server.httpsPort)/x"))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "via our DNS")
        #expect(response.tlsVerified)

        await #expect(throws: HTTPError.self) {
            try await client.fetch(HTTPRequest(url: "https://missing.example.test:\(server.httpsPort)/x"))
        }
    }

    /// As in curl, a host pinned with --connect-to (or --resolve) is not looked up: here our DNS
    /// does not know it at all, and the request still reaches the pinned server.
    @Test func pinnedHostsSkipOurResolver() async throws {
        let server = try await HTTPTestServer.start(routes: [.answer("autoconfig.example.test", "/mail/config-v1.1.xml", body: "pinned")])
        let dns = try await DNSTestServer.dnsmasq([])
        let caFile = try await offThePool { TestCA.shared.caFile }
        let overrides = try ConnectOverrides.parse(resolve: [], connectTo: server.connectTo).get()
        let curl = try CurlHTTPClient(configuration: HTTPClientConfiguration(caFile: caFile, connectTo: server.connectTo))
        let client = DNSResolvingHTTPClient(inner: curl, resolver: CaresResolver(servers: [dns.address]), overrides: overrides)
        let response = try await client.fetch(HTTPRequest(url: "https://autoconfig.example.test/mail/config-v1.1.xml"))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "pinned")
    }

    /// A DNS server that refuses to answer for a source's host said nothing about the host: the
    /// request fails (a failure, not "absent"), and the autoconfig plugin reports `failed`.
    @Test func refusedNamesAreFailuresNotAbsence() async throws {
        let dns = try await DNSTestServer.delayed(milliseconds: 0, [
            "autoconfig.refused.test": ["REFUSED": []], "refused.test": ["REFUSED": []],
        ])
        let curl = try CurlHTTPClient(configuration: HTTPClientConfiguration())
        let client = DNSResolvingHTTPClient(inner: curl, resolver: CaresResolver(servers: [dns.address]))
        do {
            _ = try await client.fetch(HTTPRequest(url: "https://autoconfig.refused.test/mail/config-v1.1.xml"))
            Issue.record("a refused name was fetched")
        } catch {
            #expect(error != .resolve("autoconfig.refused.test"), "refused must not read as nonexistent")
            guard case .connect(let message) = error else { Issue.record("expected a connect failure, got \(error)"); return }
            #expect(message.contains("refused"))
        }

        let autoconf = Autoconf(options: AutoconfOptions(timeout: .seconds(5), plugins: ["autoconfig"], readsUserDirectory: false, dnsServers: [dns.address]))
        let result = try await autoconf.lookup("a@refused.test")
        let report = try #require(result.reports.first { $0.plugin == "autoconfig" })
        #expect(report.status == .failed, "status \(report.status)")
        #expect(result.best == nil)
    }
}

/// libcurl's "could not resolve host" is checked with c-ares: a real NXDOMAIN stays "not found",
/// a resolver that does not answer makes it a network failure.
@Suite struct ResolveFailureCheckTests {
    struct Unresolvable: HTTPFetching {
        func fetch(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse { throw .resolve("Could not resolve host") }
    }

    @Test func nxdomainStaysAbsentAndASilentResolverIsANetworkFailure() async throws {
        let dns = try await DNSTestServer.dnsmasq([])
        let answered = ResolveFailureCheck(inner: Unresolvable(), resolver: CaresResolver(servers: [dns.address]))
        await #expect(throws: HTTPError.resolve("Could not resolve host")) {
            try await answered.fetch(HTTPRequest(url: "https://autoconfig.missing.test/mail/config-v1.1.xml"))
        }
        let silent = try await DNSTestServer.silent()
        let unanswered = ResolveFailureCheck(inner: Unresolvable(), resolver: CaresResolver(servers: [silent.address], queryTimeout: .milliseconds(300)))
        await #expect { try await unanswered.fetch(HTTPRequest(url: "https://autoconfig.missing.test/mail/config-v1.1.xml")) } throws: { error in
            if case HTTPError.timeout = error { true } else { false }
        }
    }
}
