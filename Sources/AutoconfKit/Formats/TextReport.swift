#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The human-readable lookup report: aligned columns, and each hostname's registrable domain shown
/// in full next to it, so a user sees at a glance who would receive their password. Every line and
/// cell passes `TerminalText.sanitized` (remote text may hold controls or bidi overrides).
package enum TextReport {
    package static func render(_ result: LookupResult) -> String {
        renderLines(result).map(TerminalText.sanitized).joined(separator: "\n") + "\n"
    }

    static func renderLines(_ result: LookupResult) -> [String] {
        var lines: [String] = []
        if let unsupported = result.unsupported {
            lines.append("\(result.email.address): \(unsupported.displayName ?? unsupported.providerID ?? "this provider") offers no IMAP, POP3 or SMTP access")
            lines.append("  \(unsupported.explanation)")
            if let url = unsupported.url { lines.append("  more: \(url)") }
            return lines
        }
        guard let best = result.best else {
            return ["\(result.email.address): \(result.notFoundMessage)"]
        }
        let configuration = best.configuration
        let title = configuration.displayName.map { " — \($0)" } ?? ""
        lines.append("\(result.email.address)\(title)")
        lines.append("")
        var rows: [[String]] = [["", "TYPE", "SERVER", "PORT", "SECURITY", "USERNAME", "DOMAIN"]]
        func add(_ role: String, _ servers: [Server]) {
            for (index, server) in servers.enumerated() {
                let host = server.hostname ?? server.url ?? "?"
                let domain = (server.hostname ?? server.url.flatMap(URLHost.reportHost)).map(PublicSuffix.registrableDomain(of:)) ?? "?"
                rows.append([
                    index == 0 ? role : "", server.type.rawValue, host, server.port.map(String.init) ?? "",
                    server.socketType.map(securityLabel) ?? "", server.username ?? "(none)", domain,
                ])
            }
        }
        add("incoming", configuration.incoming)
        add("outgoing", configuration.outgoing)
        lines.append(contentsOf: table(rows))
        lines.append("")
        let auth = (configuration.incoming.first?.authentication ?? []).map(\.method.rawValue)
        if !auth.isEmpty { lines.append("authentication  \(auth.joined(separator: ", "))") }
        if let oauth = configuration.oauth2 { lines.append("oauth2          issuer \(oauth.issuer)") }
        lines.append("trust           \(best.trust)")
        if best.trust.level == .confirm {
            let domains = Set((configuration.incoming + configuration.outgoing).compactMap { $0.hostname ?? $0.url.flatMap(URLHost.reportHost) }
                .map(PublicSuffix.registrableDomain(of:))).sorted()
            lines.append("                confirm before sending a password to: \(domains.joined(separator: ", "))")
        }
        lines.append("source          \(best.provenance.source) (plugin \(best.provenance.plugin), via \(best.provenance.channel.rawValue))")
        if best.provenance.channel == .userFile, result.candidates.dropFirst().contains(where: { $0.provenance.channel == .bundled }) {
            lines.append("note            your provider file overrides the bundled answer for \(result.email.domain) (kept as an alternative)")
        }
        if let note = result.patienceNote { lines.append("note            \(note)") }
        if !best.provenance.redirects.isEmpty { lines.append("redirects       \(best.provenance.redirects.joined(separator: " → "))") }
        for instruction in configuration.instructions where instruction.kind == .enable || instruction.kind == .appPassword {
            let label = instruction.kind == .enable ? "enable first" : "app password"
            lines.append("\(padded(label, to: 16))\(instruction.text ?? "")\(instruction.url.map { " <\($0)>" } ?? "")")
        }
        for (index, alternative) in result.candidates.dropFirst().enumerated() {
            let server = alternative.configuration.incoming.first.map { "\($0.type) \($0.endpoint)" } ?? "-"
            let label = index == 0 ? "alternatives" : ""
            lines.append("\(padded(label, to: 16))\(server) from \(alternative.provenance.plugin) (\(alternative.trust))")
        }
        return lines
    }

    static func securityLabel(_ socket: SocketType) -> String {
        switch socket {
        case .ssl: "SSL/TLS"
        case .startTLS: "STARTTLS"
        case .plain: "none (plain)"
        }
    }

    /// Left-aligned columns separated by two spaces; never truncates a cell.
    package static func table(_ rows: [[String]]) -> [String] {
        let rows = rows.map { $0.map(TerminalText.sanitized) }
        guard let columns = rows.map(\.count).max() else { return [] }
        var widths = Array(repeating: 0, count: columns)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        return rows.map { row in
            var line = ""
            for (index, cell) in row.enumerated() {
                line += index == row.count - 1 ? cell : padded(cell, to: widths[index] + 2)
            }
            // Trailing spaces trimmed by index: a reversed lazy view of the line is generic code
            // that the runtime instantiates at first use, a sixth of an offline lookup's instructions.
            var end = line.endIndex
            while end > line.startIndex {
                let before = line.index(before: end)
                guard line[before] == " " else { break }
                end = before
            }
            return String(line[..<end])
        }
    }

    /// Pads with spaces to `length` characters, counted as `table` counts widths (Characters, so
    /// a non-ASCII username or display name keeps its column straight). Longer text is never cut:
    /// a hostname or domain shown to decide where a password goes must appear in full.
    static func padded(_ text: String, to length: Int) -> String {
        let count = text.count
        return count < length ? text + String(repeating: " ", count: length - count) : text
    }
}
