/// The login test for people: one block per server — what was reached, how it was secured, what it
/// offers, and whether the login worked (with the server's own words when it did not).
package enum VerificationText {
    package static func render(_ report: VerificationReport) -> String {
        var lines = ["login test"]
        for check in report.servers {
            let status: String =
                switch check.authentication.status {
                case .succeeded: "ok"
                case .failed: "FAILED"
                case .needsOAuth: "needs OAuth2"
                case .notTried: "not tried"
                }
            lines.append("  \(check.type) \(check.host):\(check.port) (\(check.socket)): \(status)  [\(formatted(check.elapsedMs)) ms]")
            lines.append("    connected       \(check.connected ? "yes" : "no")")
            if let tls = check.tlsVersion { lines.append("    tls             \(tls)") }
            if let subject = check.certificateSubject { lines.append("    certificate     \(subject)") }
            if !check.capabilities.isEmpty { lines.append("    capabilities    \(check.capabilities.joined(separator: " "))") }
            let auth = check.authentication
            if auth.status == .succeeded, let username = auth.username {
                lines.append("    login           \(username) with \(auth.mechanism ?? "?")\(auth.attempts.count > 1 ? " (after \(auth.attempts.count - 1) refused)" : "")")
            }
            if auth.status == .failed {
                for attempt in auth.attempts {
                    lines.append("    refused         \(attempt.username) with \(attempt.mechanism): \(attempt.serverMessage ?? "-")")
                }
            }
            if auth.status == .needsOAuth {
                lines.append("    oauth2          \(auth.oauth2.map { "issuer \($0.issuer)\($0.authURL.map { ", authorize at \($0)" } ?? "")" } ?? "the server accepts only OAuth2; no password was sent")")
            }
            if let error = check.error { lines.append("    problem         \(error)") }
        }
        lines.append(report.succeeded ? "result          every login worked" : report.needsOAuth ? "result          OAuth2 needed (no password was sent there)" : "result          login failed")
        // Greetings, refusals, certificate subjects and usernames come from the server.
        return lines.map(TerminalText.sanitized).joined(separator: "\n") + "\n"
    }

    private static func formatted(_ value: Double) -> String { String(Int(value.rounded())) }
}
