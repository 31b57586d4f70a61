/// The few commands a probe sends (never credentials): greeting, capabilities, STARTTLS and
/// goodbye for IMAP (RFC 9051), POP3 (RFC 2449, RFC 2595) and SMTP submission (RFC 6409,
/// RFC 3207). Each reply is read line by line with a cap on lines, so a server that talks
/// forever is cut off.
struct MailDialogue {
    static let maximumReplyLines = 200

    let connection: MailConnection
    let type: ServerType

    /// The greeting line (checked for the protocol's success form).
    func greeting() throws(MailProbeError) -> String {
        switch type {
        case .imap:
            let line = try connection.readLine()
            guard line.hasPrefix("* OK") || line.hasPrefix("* PREAUTH") else { throw .protocolError("IMAP greeting '\(line.prefix(80))'") }
            return line
        case .pop3:
            let line = try connection.readLine()
            guard line.hasPrefix("+OK") else { throw .protocolError("POP3 greeting '\(line.prefix(80))'") }
            return line
        default:
            let lines = try smtpReply()
            guard lines.code == 220 else { throw .protocolError("SMTP greeting '\(lines.text.first?.prefix(80) ?? "")'") }
            return lines.text.first ?? ""
        }
    }

    /// The capabilities an IMAP greeting already announces (`* OK [CAPABILITY IMAP4rev1 …] ready`,
    /// RFC 9051 §7.1; Dovecot does it by default), which saves the CAPABILITY round trip. nil when
    /// the greeting has none, or for other protocols.
    func greetingCapabilities(_ greeting: String) -> [String]? {
        guard type == .imap else { return nil }
        let text = greeting.uppercased()
        guard let open = text.firstRange(of: "[CAPABILITY "), let close = text[open.upperBound...].firstIndex(of: "]") else { return nil }
        let capabilities = text[open.upperBound..<close].split(separator: " ").map(String.init)
        return capabilities.isEmpty ? nil : capabilities
    }

    func capabilities() throws(MailProbeError) -> [String] {
        switch type {
        case .imap:
            try connection.send("A1 CAPABILITY")
            var capabilities: [String] = []
            for _ in 0..<Self.maximumReplyLines {
                let line = try connection.readLine()
                if line.uppercased().hasPrefix("* CAPABILITY ") {
                    capabilities += line.dropFirst(13).split(separator: " ").map { $0.uppercased() }
                } else if line.hasPrefix("A1 ") {
                    guard line.dropFirst(3).uppercased().hasPrefix("OK") else { return [] }
                    return capabilities
                }
            }
            throw .protocolError("no end to the CAPABILITY reply")
        case .pop3:
            try connection.send("CAPA")
            let first = try connection.readLine()
            guard first.hasPrefix("+OK") else { return [] }  // RFC 1939 servers have no CAPA
            var capabilities: [String] = []
            for _ in 0..<Self.maximumReplyLines {
                let line = try connection.readLine()
                if line == "." { return capabilities }
                capabilities.append(line.uppercased())
            }
            throw .protocolError("no end to the CAPA reply")
        default:
            try connection.send("EHLO autoconf.invalid")
            let reply = try smtpReply()
            guard reply.code == 250 else { throw .protocolError("EHLO refused: \(reply.code)") }
            return reply.text.dropFirst().map { $0.uppercased() }
        }
    }

    func offersStartTLS(_ capabilities: [String]) -> Bool {
        switch type {
        case .imap: capabilities.contains("STARTTLS")
        case .pop3: capabilities.contains("STLS")
        default: capabilities.contains { $0 == "STARTTLS" || $0.hasPrefix("STARTTLS ") }
        }
    }

    /// Sends the upgrade command; true when the server agreed (the TLS handshake follows).
    func requestStartTLS() throws(MailProbeError) -> Bool {
        switch type {
        case .imap:
            try connection.send("A2 STARTTLS")
            for _ in 0..<Self.maximumReplyLines {
                let line = try connection.readLine()
                if line.hasPrefix("A2 ") { return line.dropFirst(3).uppercased().hasPrefix("OK") }
            }
            return false
        case .pop3:
            try connection.send("STLS")
            return try connection.readLine().hasPrefix("+OK")
        default:
            try connection.send("STARTTLS")
            return try smtpReply().code == 220
        }
    }

    /// Best effort: the answer is not waited for.
    func goodbye() {
        switch type {
        case .imap: try? connection.send("A9 LOGOUT")
        case .pop3: try? connection.send("QUIT")
        default: try? connection.send("QUIT")
        }
    }

    /// A (multi-line) SMTP reply: `250-…` lines continue, `250 …` ends it.
    private func smtpReply() throws(MailProbeError) -> (code: Int, text: [String]) {
        var text: [String] = []
        for _ in 0..<Self.maximumReplyLines {
            let line = try connection.readLine()
            guard line.count >= 3, let code = Int(line.prefix(3)) else { throw .protocolError("SMTP reply '\(line.prefix(80))'") }
            text.append(String(line.dropFirst(4)))
            if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " { return (code, text) }
        }
        throw .protocolError("no end to the SMTP reply")
    }
}
