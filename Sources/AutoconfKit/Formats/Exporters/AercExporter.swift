/// aerc's `accounts.conf`: one section per account, servers as URLs (`imaps://user@host:port`,
/// `imap://` is STARTTLS, `imap+insecure://` plain; `smtp://` is STARTTLS from aerc 0.15, and
/// `smtp-starttls = yes` makes aerc 0.14 and older do the same). The login name goes percent-encoded into the
/// URL's userinfo; the password is not written (aerc reads it from `source-cred-cmd`).
enum AercExporter {
    static func export(_ account: ExportAccount) throws(ExportError) -> ExportedFile {
        let check = ExportValue(format: "aerc")
        guard let imap = account.incoming([.imap]) else { throw check.fail("incoming server", "aerc needs an IMAP server") }
        // go-ini treats ';' and '#' as comment starts and '[' ']' as section syntax.
        let iniSpecials = "#;[]\"`$\\"
        let name = try check.text(account.email.address, field: "account name", forbidding: iniSpecials)
        var lines = ["[\(name)]"]
        lines.append("source          = \(try url(imap, check: check, field: "incoming", account: account))")
        lines.append("# source-cred-cmd = pass show mail/\(name)   (autoconf writes no password)")
        if let smtp = account.smtp {
            lines.append("outgoing        = \(try url(smtp, check: check, field: "outgoing", account: account))")
            // aerc before 0.15 (Debian 12 has 0.14) reads `smtp://` as unencrypted unless this is
            // set; 0.15+ does STARTTLS for `smtp://` and ignores the option.
            if (smtp.socketType ?? .ssl) == .startTLS { lines.append("smtp-starttls   = yes") }
            lines.append("# outgoing-cred-cmd = pass show mail/\(name)")
        }
        lines.append("default         = INBOX")
        let address = try check.text(account.email.address, field: "address", forbidding: iniSpecials)
        if let realName = account.realName, !realName.isEmpty {
            let shown = try check.text(realName, field: "real name", forbidding: iniSpecials + "<>")
            lines.append("from            = \"\(shown)\" <\(address)>")
        } else {
            lines.append("from            = <\(address)>")
        }
        lines.append("copy-to         = Sent")
        return ExportedFile(suggestedPath: "~/.config/aerc/accounts.conf", contents: lines.joined(separator: "\n") + "\n")
    }

    static func url(_ server: Server, check: ExportValue, field: String, account: ExportAccount) throws(ExportError) -> String {
        let host = try check.urlHost(server.hostname, field: "\(field) hostname")
        let port = try check.port(server.port, field: "\(field) port")
        let user = ExportValue.percentEncoded(try check.text(account.username(server), field: "\(field) username"))
        let base = server.type == .smtp ? "smtp" : "imap"
        let scheme =
            switch server.socketType ?? .ssl {
            case .ssl: "\(base)s"
            case .startTLS: base
            case .plain: "\(base)+insecure"
            }
        return "\(scheme)://\(user)@\(host):\(port)"
    }
}
