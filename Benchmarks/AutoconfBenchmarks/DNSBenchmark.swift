import AutoconfKit
import AutoconfTestSupport
import Foundation

/// DNS-source benchmark, all on 127.0.0.1 with the test suite's servers (dnsmasq, the delaying
/// DNS stub, Tests/Servers/mail_server.py with the suite's test CA):
///
/// - a domain found only by probing must resolve in under 1.5× the probe round trips it needs
///   (IMAP on 993 and SMTP on 465, run together as the lookup runs them; each alone is shown too);
/// - a nonexistent domain must come back "not found" in under 2× one DNS round trip (against a
///   resolver 10 ms away; the loopback ratio is shown too).
///
/// Returns one row per measurement (medians) and per ratio; an empty `target` is informational.
func runDNSBenchmark() async -> [(name: String, value: String, target: String)] {
    do {
        return try await DNSBenchmark().run()
    } catch {
        return [(name: "dns benchmark", value: "failed: \(error)", target: "")]
    }
}

private struct DNSBenchmark {
    let rounds = 25

    func run() async throws -> [(name: String, value: String, target: String)] {
        // bench.test exists (an SPF record at its apex, as a real zone has SOA and NS there) but
        // publishes no mail settings: only probing finds its servers.
        let dns = try await DNSTestServer.dnsmasq(["host-record=known.test,127.0.0.1", "txt-record=bench.test,\"v=spf1 -all\""])
        defer { dns.stop() }
        // IMAP and SMTP in separate server processes, as on a real host (Dovecot and Postfix): the
        // test server is one asyncio thread, and one process for both would serialize the two TLS
        // handshakes that the lookup runs at once, measuring the server instead of autoconf.
        let names = ["imap.bench.test", "smtp.bench.test"]
        let imap = try await MailTestServer.start([.init("imaps", "imap", .implicit)], names: names)
        defer { imap.stop() }
        let smtp = try await MailTestServer.start([.init("smtps", "smtp", .implicit)], names: names)
        defer { smtp.stop() }
        let ca = try await offThePool { TestCA.shared.caFile }

        let server = dns.address
        let connectTo = ["imap.bench.test:993:127.0.0.1:\(imap.port("imaps"))", "smtp.bench.test:465:127.0.0.1:\(smtp.port("smtps"))"]
        var options = AutoconfOptions(readsUserDirectory: false)
        options.dnsServers = [server]
        options.caFile = ca
        options.connectTo = connectTo
        options.plugins = ["gmail", "office365", "mx", "srv", "probe"]
        let autoconf = Autoconf(options: options)

        // One DNS round trip: an MX query answered NXDOMAIN, on a warm resolver.
        let resolver = CaresResolver(servers: [server])
        _ = try? await resolver.addresses("known.test")
        let dnsRoundTrip = try await median { _ = try? await resolver.mx("nothing.test") }
        let notFound = try await median {
            let result = try await autoconf.lookup("a@does-not-exist.test")
            guard !result.found else { throw BenchError("a nonexistent domain was found") }
        }

        // The probe round trips the answer needs: IMAP on 993 and SMTP on 465, each alone, and
        // both at once, as the lookup must run them. On this two-core machine the two test
        // servers (Python, most of the CPU of a probe) compete with each other and with the
        // client, so two probes together take longer than either alone; "together" is the
        // lower bound the lookup is held to, "alone" is shown for comparison.
        let prober = MailProber(caFile: ca, overrides: try ConnectOverrides.parse(resolve: [], connectTo: connectTo).get())
        let imapTarget = MailProbeTarget(host: "imap.bench.test", port: 993, type: .imap, security: .ssl)
        let smtpTarget = MailProbeTarget(host: "smtp.bench.test", port: 465, type: .smtp, security: .ssl)
        @Sendable func probe(_ target: MailProbeTarget) async throws {
            guard case .success = await prober.probe(target, addresses: [], timeout: .seconds(3)) else { throw BenchError("probe of \(target) failed") }
        }
        var probeTimes: [Double] = []
        for target in [imapTarget, smtpTarget] {
            probeTimes.append(try await median { try await probe(target) })
        }
        let slowestProbeAlone = probeTimes.max() ?? 0
        let slowestProbe = try await median {
            async let imap: Void = probe(imapTarget)
            async let smtp: Void = probe(smtpTarget)
            _ = try await (imap, smtp)
        }
        if ProcessInfo.processInfo.environment["AUTOCONF_BENCH_TRACE"] != nil {
            // Diagnostics: the trace of a few lookups, to see where the time goes.
            for _ in 0..<3 { _ = try await autoconf.lookup("a@bench.test", observer: { print($0) }); print("--") }
            for _ in 0..<2 { _ = try await autoconf.lookup("a@does-not-exist.test", observer: { print($0) }); print("--") }
        }
        let probeOnly = try await median {
            let result = try await autoconf.lookup("a@bench.test")
            guard result.best?.provenance.plugin == "probe" else { throw BenchError("the probe-only domain was not found by probing") }
        }
        // The same "not found" through a resolver 10 ms away (Tests/Servers/dns_stub.py delays
        // every answer on its own timer). On loopback a round trip is ~0.08 ms, so the loopback
        // ratio mostly measures the CPU cost of the ~20 queries a lookup sends at once; at a
        // network's latency the ratio shows whether anything beyond the NXDOMAIN is waited for.
        let farDNS = try await DNSTestServer.delayed(milliseconds: 10, ["known.test": ["A": ["127.0.0.1"]], "bench.test": ["TXT": ["v=spf1 -all"]]])
        defer { farDNS.stop() }
        let farServer = farDNS.address
        var farOptions = options
        farOptions.dnsServers = [farServer]
        let farAutoconf = Autoconf(options: farOptions)
        let farResolver = CaresResolver(servers: [farServer])
        _ = try? await farResolver.addresses("known.test")
        let farRoundTrip = try await median { _ = try? await farResolver.mx("nothing.test") }
        let farNotFound = try await median {
            let result = try await farAutoconf.lookup("a@does-not-exist.test")
            guard !result.found, result.nonexistentDomain != nil else { throw BenchError("a nonexistent domain was not reported as such") }
        }

        func ms(_ value: Double) -> String { String(format: "%.2f ms", value) }
        return [
            (name: "dns: one DNS round trip (median)", value: ms(dnsRoundTrip), target: ""),
            (name: "dns: nonexistent domain, not found (median)", value: ms(notFound), target: ""),
            (name: "dns: not-found / DNS round trip (loopback)", value: String(format: "%.2fx", notFound / max(dnsRoundTrip, 0.001)), target: ""),
            (name: "dns: one DNS round trip, resolver 10 ms away", value: ms(farRoundTrip), target: ""),
            (name: "dns: nonexistent domain, resolver 10 ms away", value: ms(farNotFound), target: ""),
            (name: "dns: not-found / DNS round trip (10 ms away)", value: String(format: "%.2fx", farNotFound / max(farRoundTrip, 0.001)), target: "< 2x"),
            (name: "dns: slowest needed probe, alone (median)", value: ms(slowestProbeAlone), target: ""),
            (name: "dns: the needed probes together (median)", value: ms(slowestProbe), target: ""),
            (name: "dns: probe-only domain found (median)", value: ms(probeOnly), target: ""),
            (name: "dns: probe-only / slowest probe alone", value: String(format: "%.2fx", probeOnly / max(slowestProbeAlone, 0.001)), target: ""),
            (name: "dns: probe-only / the needed probes together", value: String(format: "%.2fx", probeOnly / max(slowestProbe, 0.001)), target: "< 1.5x"),
        ]
    }

    /// Median wall time in milliseconds over `rounds` runs (after one warm-up run).
    func median(_ body: () async throws -> Void) async throws -> Double {
        try await body()
        var times: [Double] = []
        for _ in 0..<rounds {
            let start = ContinuousClock.now
            try await body()
            times.append((ContinuousClock.now - start).milliseconds)
        }
        return times.sorted()[times.count / 2]
    }
}

private struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
