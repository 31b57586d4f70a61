import AutoconfKit
@testable import AutoconfService
import AutoconfTestSupport
import Foundation
import Testing

/// docs/deployment.md as written: its nginx configuration (only the listen address, the
/// certificate and the upstream ports replaced) in front of two instances that share a real
/// PostgreSQL, so the documented layout is known to work.
@Suite(.serialized) struct DeploymentTests {
    static let document = TestPaths.packageRoot.appendingPathComponent("docs/deployment.md")

    /// The ```nginx block of the document, made runnable here: `nil` when a replaced line is gone.
    static func nginxConfiguration(directory: URL, port: Int, upstreams: [Int], certificate: String, key: String) throws -> String? {
        let text = try String(contentsOf: document, encoding: .utf8)
        guard let start = text.range(of: "```nginx\n"), let end = text.range(of: "```", range: start.upperBound..<text.endIndex) else { return nil }
        var block = String(text[start.upperBound..<end.lowerBound])
        let replacements = [
            ("listen 443 ssl http2;", "listen 127.0.0.1:\(port) ssl http2;"),
            ("server 127.0.0.1:8081 ", "server 127.0.0.1:\(upstreams[0]) "),
            ("server 127.0.0.1:8082 ", "server 127.0.0.1:\(upstreams[1]) "),
            ("/etc/ssl/autoconf.example.net/fullchain.pem", certificate),
            ("/etc/ssl/autoconf.example.net/privkey.pem", key),
        ]
        for (old, new) in replacements {
            guard block.contains(old) else { return nil }
            block = block.replacingOccurrences(of: old, with: new)
        }
        let path = directory.path
        return """
            daemon off;
            pid \(path)/nginx.pid;
            error_log \(path)/error.log;
            events {}
            http {
                access_log off;
                client_body_temp_path \(path)/body; proxy_temp_path \(path)/proxy;
                fastcgi_temp_path \(path)/fastcgi; uwsgi_temp_path \(path)/uwsgi; scgi_temp_path \(path)/scgi;
            \(block)
            }
            """
    }

    @Test func twoInstancesBehindTheDocumentedNginxShareOneCache() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") else {
            Issue.record("nginx is not installed (Debian nginx: scripts/system-packages)")
            return
        }
        let postgres = try await TestPostgres()
        let http = try await HTTPTestServer.start(routes: [.answer("ispdb.test", "/v1.1/example.test", body: ispdbConfig())])
        // As the systemd unit: loopback listeners, nginx trusted, the shared cache.
        let instance: (inout ServiceConfiguration) -> Void = { $0.postgresURL = postgres.url; $0.trustedProxies = ["127.0.0.1"] }
        let a = try await RunningService(serviceConfiguration(http.options(plugins: ["ispdb"]), change: instance))
        let b = try await RunningService(serviceConfiguration(http.options(plugins: ["ispdb"]), change: instance))
        defer { Task { await a.stop(); await b.stop() } }
        let readyA = try await waitForCache(a, "postgres"), readyB = try await waitForCache(b, "postgres")
        #expect(readyA && readyB)

        let directory = TestPaths.temporaryDirectory("nginx")
        // The workers run as nobody when the suite runs as root.
        _ = try await runCommandAsync("/bin/chmod", ["777", directory.path])
        let port = try TestPostgres.freePort()
        let tls = try TestCA.shared.issue(["autoconf.example.net"])
        let configuration = try #require(
            try Self.nginxConfiguration(directory: directory, port: port, upstreams: [a.port, b.port], certificate: tls.certificate, key: tls.key),
            "docs/deployment.md: the nginx block changed shape")
        let file = directory.appendingPathComponent("nginx.conf")
        try configuration.write(to: file, atomically: true, encoding: .utf8)
        let check = try await runCommandAsync("/usr/sbin/nginx", ["-t", "-c", file.path, "-p", directory.path])
        #expect(check.status == 0, "\(check.stderr)")
        let nginx = Process()
        nginx.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        nginx.arguments = ["-c", file.path, "-p", directory.path]
        nginx.standardOutput = FileHandle.nullDevice
        nginx.standardError = FileHandle.nullDevice
        try nginx.run()
        defer { nginx.terminate() }

        let base = "https://autoconf.example.net:\(port)"
        let client = ["--cacert", TestCA.shared.caFile, "--resolve", "autoconf.example.net:\(port):127.0.0.1"]
        var ready = false
        for _ in 0..<100 where !ready {
            ready = try await curl("\(base)/healthz", extra: client, timeout: 5).status == 200
            if !ready { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(ready, "nginx did not answer: \((try? String(contentsOf: directory.appendingPathComponent("error.log"), encoding: .utf8)) ?? "")")

        // Round robin over both instances: one ISPDB request for four users.
        var channels: [String] = []
        for user in ["alice", "bob", "carol", "dave"] {
            let answer = try await curl("\(base)/v1/lookup?email=\(user)%40example.test", extra: client)
            #expect(answer.status == 200 && answer.json?["found"] as? Bool == true, "\(answer.body)")
            #expect((answer.json?["incoming"] as? [String: Any])?["username"] as? String == "\(user)@example.test")
            channels.append((answer.json?["provenance"] as? [String: Any])?["channel"] as? String ?? "")
        }
        #expect(http.requests().filter { $0.host == "ispdb.test" }.count == 1)
        #expect(channels.dropFirst().allSatisfy { $0 == "cache" }, "\(channels)")
        let metrics = try await curl("\(a.base)/metrics").body + curl("\(b.base)/metrics").body
        #expect(metrics.contains(#"autoconf_cache_hits_total{tier="postgres"}"#), "an instance answered from the shared table")

        // The stream goes through; /metrics is not for the public.
        let stream = try await curl("\(base)/v1/lookup/stream?email=erin%40example.test", extra: client)
        #expect(serverSentEvents(stream.body).last?.event == "result", "\(stream.body)")
        #expect(try await curl("\(base)/metrics", extra: client).status == 403)
    }
}
