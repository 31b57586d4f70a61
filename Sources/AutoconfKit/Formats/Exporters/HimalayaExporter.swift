/// himalaya's `config.toml` (v1): one `[accounts."ADDRESS"]` table with an IMAP backend and an
/// SMTP sender. TOML has a complete escaping syntax, so free text is escaped (`\"`, `\\`,
/// `\uXXXX` for controls) rather than refused; hostnames and ports are still validated.
enum HimalayaExporter {
    static func export(_ account: ExportAccount) throws(ExportError) -> ExportedFile {
        let check = ExportValue(format: "himalaya")
        guard let imap = account.incoming([.imap]) else { throw check.fail("incoming server", "himalaya needs an IMAP server") }
        var lines = ["# himalaya settings written by autoconf", "[accounts.\(quoted(account.email.address))]", "default = true"]
        lines.append("email = \(quoted(account.email.address))")
        if let realName = account.realName, !realName.isEmpty { lines.append("display-name = \(quoted(realName))") }
        lines += try backend(imap, prefix: "backend", check: check, account: account, field: "incoming")
        if let smtp = account.smtp {
            lines.append("message.send.backend.type = \"smtp\"")
            lines += try backend(smtp, prefix: "message.send.backend", check: check, account: account, field: "outgoing", includeType: false)
        }
        return ExportedFile(suggestedPath: "~/.config/himalaya/config.toml", contents: lines.joined(separator: "\n") + "\n")
    }

    static func backend(_ server: Server, prefix: String, check: ExportValue, account: ExportAccount, field: String, includeType: Bool = true) throws(ExportError) -> [String] {
        let encryption: String =
            switch server.socketType ?? .ssl {
            case .ssl: "tls"
            case .startTLS: "start-tls"
            case .plain: "none"
            }
        var lines: [String] = []
        if includeType { lines.append("\(prefix).type = \"imap\"") }
        lines += [
            "\(prefix).host = \(quoted(try check.hostname(server.hostname, field: "\(field) hostname")))",
            "\(prefix).port = \(try check.port(server.port, field: "\(field) port"))",
            "\(prefix).encryption.type = \"\(encryption)\"",
            "\(prefix).login = \(quoted(account.username(server)))",
            "\(prefix).auth.type = \"password\"",
            "# autoconf writes no password: replace this command with yours (or use auth.keyring / auth.raw)",
            "\(prefix).auth.cmd = \(quoted("pass show mail/" + account.safeName))",
        ]
        return lines
    }

    /// A TOML basic string.
    static func quoted(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if ExportValue.isLineBreakOrControl(scalar) {
                    result += scalar.value <= 0xFFFF ? "\\u" + hex(scalar.value, 4) : "\\U" + hex(scalar.value, 8)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    private static func hex(_ value: UInt32, _ width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
