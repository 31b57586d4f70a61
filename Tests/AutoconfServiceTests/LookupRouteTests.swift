import AutoconfKit
@testable import AutoconfService
import AutoconfTestSupport
import Foundation
import Testing

/// The lookup routes against a real listener on 127.0.0.1, with curl as the client.
@Suite struct LookupRouteTests {
    /// The parts of a lookup document that do not depend on timing.
    static func stable(_ json: [String: Any]) -> [String: String] {
        var copy = json
        copy.removeValue(forKey: "elapsedMs")
        if var provenance = json["provenance"] as? [String: Any] {
            provenance.removeValue(forKey: "elapsedMs")
            copy["provenance"] = provenance
        }
        copy["plugins"] = (json["plugins"] as? [[String: Any]])?.map { report -> [String: Any] in
            var report = report
            report.removeValue(forKey: "elapsedMs")
            report.removeValue(forKey: "elapsedMilliseconds")
            return report
        }
        return copy.mapValues { value in
            let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }

    @Test func getLookupReturnsExactlyTheCLIsJSONDocument() async throws {
        let service = try await RunningService(serviceConfiguration())
        defer { Task { await service.stop() } }
        let response = try await curl("\(service.base)/v1/lookup?email=alice%40gmail.com&offline=1")
        #expect(response.status == 200)
        #expect(response.headers["content-type"]?.hasPrefix("application/json") == true)
        let json = try #require(response.json)
        #expect(json["schemaVersion"] as? Int == LookupJSON.schemaVersion)
        #expect((json["incoming"] as? [String: Any])?["host"] as? String == "imap.gmail.com")

        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CONFIG_HOME"] = TestPaths.temporaryDirectory("serve-xdg").path
        let cli = try await runCommandAsync(TestPaths.autoconfBinary.path, ["lookup", "alice@gmail.com", "--offline", "--json", "--no-user-providers"], environment: environment)
        #expect(cli.status == 0, "\(cli.stderr)")
        let cliJSON = try #require(jsonObject(cli.stdout))
        #expect(Self.stable(json) == Self.stable(cliJSON))
    }

    @Test func postLookupTakesTheSameFieldsAsJSON() async throws {
        let service = try await RunningService(serviceConfiguration())
        defer { Task { await service.stop() } }
        let response = try await curl("\(service.base)/v1/lookup", method: "POST", body: #"{"email": "bob@gmail.com", "offline": true, "prefer": "pop3", "plugins": ["bundled"]}"#)
        #expect(response.status == 200, "\(response.body)")
        let json = try #require(response.json)
        #expect(json["email"] as? String == "bob@gmail.com")
        #expect((json["incoming"] as? [String: Any])?["type"] as? String == "pop3")
        #expect((json["provenance"] as? [String: Any])?["plugin"] as? String == "bundled")
    }

    @Test func aCompletedLookupThatFindsNothingIs200() async throws {
        let service = try await RunningService(serviceConfiguration())
        defer { Task { await service.stop() } }
        let response = try await curl("\(service.base)/v1/lookup?email=alice%40nothing-here.test&offline=true")
        #expect(response.status == 200)
        #expect(response.json?["found"] as? Bool == false)
    }

    @Test func badInputIs400WithTheCLIsMessage() async throws {
        let service = try await RunningService(serviceConfiguration())
        defer { Task { await service.stop() } }
        let cli = try await runCommandAsync(TestPaths.autoconfBinary.path, ["lookup", "a@b@c", "--offline"])
        let cliMessage = cli.stderr.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "autoconf: ", with: "")
        let bad = try await curl("\(service.base)/v1/lookup?email=\(query("a@b@c"))&offline=1")
        #expect(bad.status == 400)
        #expect(bad.error == cliMessage)
        #expect(bad.json?.count == 1)

        let cases: [(String, String)] = [
            ("/v1/lookup", "give an email address"),
            ("/v1/lookup?email=a%40gmail.com&timeout=0", "timeout must be between 0 and 30 seconds"),
            ("/v1/lookup?email=a%40gmail.com&timeout=900", "timeout must be between 0 and 30 seconds"),
            ("/v1/lookup?email=a%40gmail.com&timeout=soon", "timeout must be a number"),
            ("/v1/lookup?email=a%40gmail.com&prefer=jmap", "prefer must be imap or pop3"),
            ("/v1/lookup?email=a%40gmail.com&offline=maybe", "offline must be true or false"),
            ("/v1/lookup?email=a%40gmail.com&plugins=nope", "nope"),
            ("/v1/lookup?email=a%40gmail.com&imap=bad%20host%3A99999", "imap"),
            ("/v1/lookup/stream?email=%40", "invalid email address"),
        ]
        for (path, expected) in cases {
            let response = try await curl(service.base + path)
            #expect(response.status == 400, "\(path): \(response.status) \(response.body)")
            #expect(response.error?.contains(expected) == true, "\(path): \(response.body)")
        }
        let notJSON = try await curl("\(service.base)/v1/lookup", method: "POST", body: "{email")
        #expect(notJSON.status == 400 && notJSON.error == "the body is not valid JSON")
        let wrongType = try await curl("\(service.base)/v1/lookup", method: "POST", body: #"{"email": 5}"#)
        #expect(wrongType.status == 400 && wrongType.error?.contains("'email'") == true)
        let form = try await curl("\(service.base)/v1/lookup", method: "POST", body: "email=a", contentType: "application/x-www-form-urlencoded")
        #expect(form.status == 415 && form.error != nil)
    }

    @Test func unknownRoutesAndMethodsAreJSONErrors() async throws {
        let service = try await RunningService(serviceConfiguration())
        defer { Task { await service.stop() } }
        let missing = try await curl("\(service.base)/v2/nothing")
        #expect(missing.status == 404)
        #expect(missing.error?.contains("no such route") == true)
        let method = try await curl("\(service.base)/v1/lookup", method: "DELETE")
        #expect([404, 405].contains(method.status))
        #expect(method.error != nil)
    }

    @Test func oversizeRequestsAre413And414() async throws {
        let service = try await RunningService(serviceConfiguration { $0.maxBodyBytes = 2048; $0.maxURILength = 512 })
        defer { Task { await service.stop() } }
        let big = try await curl("\(service.base)/v1/lookup", method: "POST", body: #"{"email": "a@gmail.com", "pad": ""# + String(repeating: "x", count: 4096) + #""}"#)
        #expect(big.status == 413, "\(big.body)")
        #expect(big.error?.contains("larger than 2048 bytes") == true)
        let chunked = try await curl("\(service.base)/v1/lookup", method: "POST", body: #"{"email": "a@gmail.com", "pad": ""# + String(repeating: "x", count: 4096) + #""}"#,
                                     headers: ["Transfer-Encoding: chunked"])
        #expect(chunked.status == 413, "\(chunked.body)")
        let long = try await curl("\(service.base)/v1/lookup?email=a%40gmail.com&pad=" + String(repeating: "y", count: 600))
        #expect(long.status == 414)
        #expect(long.error?.contains("longer than 512 bytes") == true)
        // The service is still fine afterwards.
        let ok = try await curl("\(service.base)/v1/lookup?email=a%40gmail.com&offline=1")
        #expect(ok.status == 200)
    }

    @Test func aClientOverItsRateGets429WithRetryAfter() async throws {
        let service = try await RunningService(serviceConfiguration { $0.ratePerSecond = 0.5; $0.rateBurst = 3 })
        defer { Task { await service.stop() } }
        var statuses: [Int] = []
        var retryAfter: String?
        for _ in 0..<5 {
            let response = try await curl("\(service.base)/v1/lookup?email=a%40gmail.com&offline=1")
            statuses.append(response.status)
            if response.status == 429 { retryAfter = response.headers["retry-after"]; #expect(response.error?.contains("too many requests") == true) }
        }
        #expect(statuses == [200, 200, 200, 429, 429])
        #expect(retryAfter.flatMap(Int.init).map { $0 >= 1 } == true)
        // Health checks are not rate limited.
        #expect(try await curl("\(service.base)/healthz").status == 200)
    }

    @Test func beyondTheConcurrencyLimitIs503AndInFlightLookupsFinish() async throws {
        let http = try await HTTPTestServer.start(routes: [.answer("ispdb.test", "/v1.1/example.test", body: ispdbConfig(), delayMs: 1500)])
        let service = try await RunningService(serviceConfiguration(http.options(plugins: ["ispdb"])) { $0.maxConcurrentLookups = 1 })
        defer { Task { await service.stop() } }
        async let slow = curl("\(service.base)/v1/lookup?email=alice%40example.test")
        try await Task.sleep(for: .milliseconds(500))
        let refused = try await curl("\(service.base)/v1/lookup?email=bob%40example.test")
        #expect(refused.status == 503)
        #expect(refused.headers["retry-after"] == "1")
        #expect(refused.error?.contains("limit of 1 concurrent lookups") == true)
        let first = try await slow
        #expect(first.status == 200)
        #expect(first.json?["found"] as? Bool == true, "\(first.body)")
        // The slot is free again.
        let after = try await curl("\(service.base)/v1/lookup?email=carol%40example.test")
        #expect(after.status == 200)
    }

    @Test func healthReadinessMetricsAndOpenAPI() async throws {
        let service = try await RunningService(serviceConfiguration())
        defer { Task { await service.stop() } }
        #expect(try await curl("\(service.base)/healthz").json?["status"] as? String == "ok")
        let ready = try await curl("\(service.base)/readyz")
        #expect(ready.status == 200 && ready.json?["status"] as? String == "ready" && ready.json?["cache"] as? String == "memory")
        _ = try await curl("\(service.base)/v1/lookup?email=a%40gmail.com&offline=1")
        _ = try await curl("\(service.base)/v1/lookup?email=%40")
        let metrics = try await curl("\(service.base)/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.body.contains(#"autoconf_http_requests_total{route="/v1/lookup",status="200"} 1"#), "\(metrics.body)")
        #expect(metrics.body.contains(#"autoconf_http_requests_total{route="/v1/lookup",status="400"} 1"#))
        #expect(metrics.body.contains(#"autoconf_lookup_winner_total{plugin="bundled"} 1"#))
        #expect(metrics.body.contains("autoconf_lookup_duration_seconds_bucket"))
        #expect(metrics.body.contains("autoconf_lookups_in_flight"))
        let openapi = try await curl("\(service.base)/openapi.json")
        #expect(openapi.status == 200)
        #expect(openapi.json?["openapi"] as? String == "3.1.0")
    }
}
