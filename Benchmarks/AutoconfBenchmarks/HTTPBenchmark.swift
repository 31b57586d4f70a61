import AutoconfKit
import AutoconfTestSupport
import Foundation

/// The HTTP sources against the local test server (Tests/Servers/http_server.py): the top-ranked
/// network source (provider autoconfig over HTTPS) answers after 50 ms while every other URL —
/// /.well-known, plain HTTP, the ISPDB, all Autodiscover endpoints — hangs. A lookup must end
/// with that answer, cancelling the rest, not wait for the deadline: the target is under 1.2×
/// the 50 ms chain. The baseline is the same source with every other URL answering 404 at once,
/// i.e. what the answering chain costs by itself (TLS handshake included).
func runHTTPBenchmark(iterations: Int = 15) async -> [(name: String, value: String, target: String)] {
    let answerDelay = 50.0
    do {
        let document = TestDocuments.config(imap: "imap.example.test")
        let answer = HTTPTestServer.Route.answer("autoconfig.example.test", "/mail/config-v1.1.xml", body: document, delayMs: Int(answerDelay))
        let hanging = try HTTPTestServer(routes: [answer, .hang("*", seconds: 10)])
        let quiet = try HTTPTestServer(routes: [answer])
        // The DNS sources ask a local dnsmasq, never the machine's resolver: example.test exists
        // there (an SPF record at its apex) and publishes nothing else, so DNS answers at once.
        let dns = try await DNSTestServer.dnsmasq(["txt-record=example.test,\"v=spf1 -all\""])

        func measure(_ server: HTTPTestServer) async throws -> (median: Double, found: Bool, deadline: Bool) {
            var options = server.options(timeout: .seconds(5))
            options.dnsServers = [dns.address]
            let autoconf = Autoconf(options: options)
            var times: [Double] = []
            var found = true
            var deadline = false
            _ = try await autoconf.lookup("alice@example.test")  // warm-up: CA, process, first connection
            for _ in 0..<iterations {
                let start = ContinuousClock.now
                let result = try await autoconf.lookup("alice@example.test")
                times.append((ContinuousClock.now - start).milliseconds)
                found = found && result.best?.provenance.plugin == "autoconfig"
                deadline = deadline || result.deadlineReached
            }
            times.sort()
            return (times[times.count / 2], found, deadline)
        }

        let withHangs = try await measure(hanging)
        let alone = try await measure(quiet)
        let ratio = withHangs.median / answerDelay
        let fmt = { (value: Double) in String(format: "%.1f ms", value) }
        return [
            ("http: one source answers in 50 ms, others hang (median of \(iterations))", fmt(withHangs.median) + (withHangs.found ? "" : " (wrong winner)") + (withHangs.deadline ? " (deadline!)" : ""), "< 60.0 ms"),
            ("http: ratio to the 50 ms answer", String(format: "%.2f×", ratio), "< 1.20×"),
            ("http: the answering source alone (baseline)", fmt(alone.median), "-"),
            ("http: ratio to the baseline", String(format: "%.2f×", withHangs.median / alone.median), "< 1.20×"),
        ]
    } catch {
        return [("http benchmark", "failed: \(error)", "runs")]
    }
}
