#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads what an IMAP, POP3 or SMTP server said (its lines only, in order): the capabilities it
/// advertised last (after STARTTLS they are sent again and the earlier ones no longer count), the
/// SASL mechanisms among them, and its own text when it refused something.
struct ServerReplies: Sendable {
    let mailProtocol: MailProtocol
    let lines: [String]

    /// The last advertised capability list.
    var capabilities: [String] {
        switch mailProtocol {
        case .imap:
            var last: [String] = []
            for line in lines {
                let upper = line.uppercased()
                if upper.hasPrefix("* CAPABILITY ") {
                    last = words(String(line.dropFirst("* CAPABILITY ".count)))
                } else if let range = upper.firstRange(of: "[CAPABILITY ") {
                    let rest = line[range.upperBound...]
                    last = words(String(rest.prefix { $0 != "]" }))
                }
            }
            return last
        case .pop3:
            // CAPA answers "+OK", then one capability a line, then ".".
            var last: [String] = []
            var current: [String]?
            for line in lines {
                if line == "." {
                    if let current { last = current }
                    current = nil
                } else if line.hasPrefix("+OK") || line.hasPrefix("-ERR") {
                    current = []
                } else {
                    current?.append(line)
                }
            }
            return last
        case .smtp:
            // The EHLO reply: "250-host", "250-CAP"…, "250 CAP". The first line names the host.
            var groups: [[String]] = []
            var current: [String] = []
            for line in lines {
                if line.hasPrefix("250-") || line.hasPrefix("250 ") {
                    current.append(String(line.dropFirst(4)))
                    if line.hasPrefix("250 ") { groups.append(current); current = [] }
                } else {
                    current = []
                }
            }
            return Array(groups.last { $0.count >= 2 }?.dropFirst() ?? [])
        }
    }

    /// SASL mechanisms the server offers, uppercased.
    var saslMechanisms: [String] {
        var result: [String] = []
        for capability in capabilities {
            let upper = capability.uppercased()
            switch mailProtocol {
            case .imap where upper.hasPrefix("AUTH="): result.append(String(upper.dropFirst(5)))
            case .pop3 where upper.hasPrefix("SASL "): result += words(String(upper.dropFirst(5)))
            case .smtp where upper.hasPrefix("AUTH ") || upper.hasPrefix("AUTH="): result += words(String(upper.dropFirst(5)))
            default: break
            }
        }
        var seen = Set<String>()
        return result.filter { seen.insert($0).inserted }
    }

    /// IMAP `LOGINDISABLED`: the LOGIN command is refused (usually: not before TLS).
    var loginDisabled: Bool { mailProtocol == .imap && capabilities.contains { $0.uppercased() == "LOGINDISABLED" } }

    /// SMTP 235: authentication succeeded. libcurl skips AUTH when the server offers none, so a
    /// transfer that "worked" proves nothing without this line.
    var smtpAuthenticated: Bool { lines.contains { $0.hasPrefix("235") } }

    /// The server's text from its last refusal, without tags and reply codes.
    var refusal: String? {
        for line in lines.reversed() {
            switch mailProtocol {
            case .imap:
                let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
                if parts.count >= 2, ["NO", "BAD", "BYE"].contains(parts[1].uppercased()) {
                    return parts.count == 3 ? String(parts[2]) : String(parts[1])
                }
            case .pop3:
                if line.hasPrefix("-ERR") { return clean(String(line.dropFirst(4))) ?? "-ERR" }
            case .smtp:
                if let first = line.first, first == "4" || first == "5", line.count >= 3,
                   line.prefix(3).allSatisfy(\.isNumber) {
                    return clean(String(line.dropFirst(4))) ?? String(line.prefix(3))
                }
            }
        }
        return nil
    }

    private func clean(_ text: String) -> String? {
        let trimmed = text.trimmingWhitespace()
        return trimmed.isEmpty ? nil : trimmed
    }

    private func words(_ text: String) -> [String] { text.split(separator: " ").map(String.init) }
}
