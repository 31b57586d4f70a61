/// Authentication methods a server offers, read from its capabilities: IMAP `AUTH=…` (and LOGIN
/// unless `LOGINDISABLED`), POP3 `SASL …` and `USER`, SMTP `AUTH …`. SASL mechanisms map to the
/// config-v1.1 vocabulary; the mechanism name is kept as `system` where it says more.
enum MailCapabilities {
    static func mechanisms(_ capabilities: [String], type: ServerType) -> [String] {
        var mechanisms: [String] = []
        for capability in capabilities {
            let words = capability.split(separator: " ").map { $0.uppercased() }
            switch type {
            case .imap:
                for word in words where word.hasPrefix("AUTH=") { mechanisms.append(String(word.dropFirst(5))) }
            case .pop3:
                if words.first == "SASL" { mechanisms += words.dropFirst() }
            case .smtp:
                if let first = words.first, first == "AUTH" || first.hasPrefix("AUTH=") {
                    if first.hasPrefix("AUTH=") { mechanisms.append(String(first.dropFirst(5))) }
                    mechanisms += words.dropFirst()
                }
            default:
                break
            }
        }
        return mechanisms
    }

    static func authentication(_ capabilities: [String], type: ServerType) -> [Authentication] {
        let upper = capabilities.map { $0.uppercased() }
        var methods: [Authentication] = []
        func add(_ method: AuthenticationMethod, _ system: String? = nil) {
            if !methods.contains(where: { $0.method == method }) { methods.append(Authentication(method, system: system)) }
        }
        let offered = mechanisms(capabilities, type: type)
        // Plain password logins first: what a user with a password can use over TLS.
        if offered.contains("PLAIN") || offered.contains("LOGIN") { add(.passwordCleartext) }
        if type == .imap && !upper.contains(where: { $0.split(separator: " ").contains("LOGINDISABLED") }) { add(.passwordCleartext) }
        if type == .pop3 && upper.contains("USER") { add(.passwordCleartext) }
        for mechanism in offered {
            switch mechanism {
            case "CRAM-MD5", "DIGEST-MD5": add(.passwordEncrypted, mechanism)
            case _ where mechanism.hasPrefix("SCRAM-"): add(.passwordEncrypted, mechanism)
            case "XOAUTH2", "OAUTHBEARER": add(.oauth2)
            case "NTLM": add(.ntlm)
            case "GSSAPI": add(.gssapi)
            case "EXTERNAL": add(.tlsClientCert)
            default: break
            }
        }
        return methods
    }
}
