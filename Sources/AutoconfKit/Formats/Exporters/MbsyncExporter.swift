/// isync/mbsync (`~/.mbsyncrc`) for the IMAP side and msmtp (`~/.msmtprc`) for sending. Both read
/// whitespace-separated tokens with optional double quotes: every free-text value is quoted and
/// may not contain `"` or `\`. Account, store and folder names are derived from the address with
/// only `[A-Za-z0-9._@+-]` kept, so no value reaches a path or a command unquoted.
enum MbsyncExporter {
    static let specials = "\"\\"

    static func export(_ account: ExportAccount) throws(ExportError) -> [ExportedFile] {
        var files = [try mbsyncrc(account)]
        if account.smtp != nil { files.append(try msmtprc(account)) }
        return files
    }

    static func mbsyncrc(_ account: ExportAccount) throws(ExportError) -> ExportedFile {
        let check = ExportValue(format: "mbsync")
        guard let imap = account.incoming([.imap]) else { throw check.fail("incoming server", "mbsync needs an IMAP server") }
        let name = account.safeName
        let tls: String =
            switch imap.socketType ?? .ssl {
            case .ssl: "IMAPS"
            case .startTLS: "STARTTLS"
            case .plain: "None"
            }
        let lines = [
            "# isync/mbsync settings written by autoconf",
            "# isync 1.4 does not create the Maildir root; before the first run:",
            "#   mkdir -p ~/Mail/\(name)",
            "IMAPAccount \(name)",
            "Host \(try check.hostname(imap.hostname, field: "incoming hostname"))",
            "Port \(try check.port(imap.port, field: "incoming port"))",
            "User \"\(try check.text(account.username(imap), field: "incoming username", forbidding: specials))\"",
            "# PassCmd \"pass show mail/\(name)\"",
            "SSLType \(tls)",
            "",
            "IMAPStore \(name)-remote",
            "Account \(name)",
            "",
            "MaildirStore \(name)-local",
            "Path ~/Mail/\(name)/",
            "Inbox ~/Mail/\(name)/INBOX",
            "SubFolders Verbatim",
            "",
            "Channel \(name)",
            "Far :\(name)-remote:",
            "Near :\(name)-local:",
            "Patterns *",
            "Create Both",
            "SyncState *",
        ]
        return ExportedFile(suggestedPath: "~/.mbsyncrc", contents: lines.joined(separator: "\n") + "\n")
    }

    static func msmtprc(_ account: ExportAccount) throws(ExportError) -> ExportedFile {
        let check = ExportValue(format: "msmtp")
        guard let smtp = account.smtp else { throw check.fail("outgoing server", "msmtp needs an SMTP server") }
        let name = account.safeName
        let socket = smtp.socketType ?? .ssl
        var lines = [
            "# msmtp settings written by autoconf",
            "account \(name)",
            "host \(try check.hostname(smtp.hostname, field: "outgoing hostname"))",
            "port \(try check.port(smtp.port, field: "outgoing port"))",
            "tls \(socket == .plain ? "off" : "on")",
            "tls_starttls \(socket == .startTLS ? "on" : "off")",
            "auth on",
            "user \"\(try check.text(account.username(smtp), field: "outgoing username", forbidding: specials))\"",
            "from \"\(try check.text(account.email.address, field: "address", forbidding: specials))\"",
            "# passwordeval \"pass show mail/\(name)\"",
            "",
            "account default : \(name)",
        ]
        if socket == .plain { lines.insert("# warning: this server is not encrypted", at: 1) }
        return ExportedFile(suggestedPath: "~/.msmtprc", contents: lines.joined(separator: "\n") + "\n")
    }
}
