/// A neomutt `~/.neomuttrc` fragment. Values are single-quoted, which in muttrc stops both
/// `$variable` and `` `command` `` expansion; anything that could end the quote (`'`), escape
/// (`\`) or start a command (backtick) is refused. Login names in URLs are percent-encoded.
enum NeomuttExporter {
    static let specials = "'\\`"

    static func export(_ account: ExportAccount) throws(ExportError) -> ExportedFile {
        let check = ExportValue(format: "neomutt")
        guard let incoming = account.incoming([.imap, .pop3]) else { throw check.fail("incoming server", "neomutt needs an IMAP or POP3 server") }
        func quoted(_ value: String, _ field: String) throws(ExportError) -> String {
            "'\(try check.text(value, field: field, forbidding: specials))'"
        }
        var lines = ["# neomutt settings for \(try check.text(account.email.address, field: "address", forbidding: specials)) (written by autoconf)"]
        lines.append("set from = \(try quoted(account.email.address, "address"))")
        if let realName = account.realName, !realName.isEmpty { lines.append("set realname = \(try quoted(realName, "real name"))") }
        let host = try check.urlHost(incoming.hostname, field: "incoming hostname")
        let port = try check.port(incoming.port, field: "incoming port")
        let socket = incoming.socketType ?? .ssl
        let user = try quoted(account.username(incoming), "incoming username")
        if incoming.type == .imap {
            lines.append("set imap_user = \(user)")
            lines.append("set folder = '\(socket == .ssl ? "imaps" : "imap")://\(host):\(port)/'")
            lines.append("set spoolfile = '+INBOX'")
            lines.append("set record = '+Sent'")
            lines.append("set postponed = '+Drafts'")
            lines.append("# set imap_pass = '…'  (or: set imap_pass = `pass show mail` — autoconf writes no password)")
        } else {
            lines.append("set pop_user = \(user)")
            lines.append("set pop_host = '\(socket == .ssl ? "pops" : "pop")://\(host):\(port)'")
            lines.append("# set pop_pass = '…'  (autoconf writes no password)")
        }
        if let smtp = account.smtp {
            let smtpHost = try check.urlHost(smtp.hostname, field: "outgoing hostname")
            let smtpPort = try check.port(smtp.port, field: "outgoing port")
            let smtpUser = ExportValue.percentEncoded(try check.text(account.username(smtp), field: "outgoing username"))
            lines.append("set smtp_url = '\((smtp.socketType ?? .ssl) == .ssl ? "smtps" : "smtp")://\(smtpUser)@\(smtpHost):\(smtpPort)/'")
        }
        let servers = [incoming, account.smtp].compactMap { $0 }
        let plain = servers.contains { $0.socketType == .plain }
        lines.append("set ssl_starttls = yes")
        lines.append("set ssl_force_tls = \(plain ? "no" : "yes")")
        return ExportedFile(suggestedPath: "~/.config/neomutt/neomuttrc", contents: lines.joined(separator: "\n") + "\n")
    }
}
