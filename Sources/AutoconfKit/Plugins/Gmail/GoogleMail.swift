/// Google's published mail settings (support.google.com/mail/answer/7126229) and the MX hosts
/// that mark a domain as hosted by Google Workspace. Matching is exact or on a label boundary,
/// never on free text, so `aspmx.l.google.com.attacker.example` matches nothing.
enum GoogleMail {
    static let consumerDomains: Set<String> = ["gmail.com", "googlemail.com"]

    /// Whether an MX hostname is one of Google's inbound mail servers.
    static func isGoogleMX(_ host: String) -> Bool {
        let name = DNSPluginSupport.normalized(host)
        if name == "aspmx.l.google.com" || name == "smtp.google.com" { return true }
        // alt1.aspmx.l.google.com … alt4.aspmx.l.google.com
        if name.hasSuffix(".aspmx.l.google.com") {
            let label = name.dropLast(".aspmx.l.google.com".count)
            return label.hasPrefix("alt") && !label.dropFirst(3).isEmpty && label.dropFirst(3).allSatisfy(\.isNumber)
        }
        // aspmx2.googlemail.com … (older Workspace setups)
        if name.hasSuffix(".googlemail.com") {
            return !name.dropLast(".googlemail.com".count).contains(".")
        }
        return false
    }

    static let oauth2 = OAuth2Settings(
        issuer: "accounts.google.com", scope: "https://mail.google.com/",
        authURL: "https://accounts.google.com/o/oauth2/auth", tokenURL: "https://www.googleapis.com/oauth2/v3/token")

    static func configuration(for domain: String, workspace: Bool) -> EmailConfiguration {
        let auth = [Authentication(.oauth2), Authentication(.passwordCleartext)]
        func server(_ type: ServerType, _ host: String, _ port: Int, _ socket: SocketType) -> Server {
            Server(type: type, hostname: host, port: port, socketType: socket, authentication: auth, username: "%EMAILADDRESS%")
        }
        var pop = server(.pop3, "pop.gmail.com", 995, .ssl)
        pop.extras["leaveMessagesOnServer"] = "true"
        return EmailConfiguration(
            providerID: workspace ? "google-workspace" : "gmail.com", domains: [domain],
            displayName: workspace ? "Google Workspace" : "Google Mail", displayShortName: workspace ? "Google" : "Gmail",
            incoming: [server(.imap, "imap.gmail.com", 993, .ssl), pop],
            outgoing: [server(.smtp, "smtp.gmail.com", 465, .ssl), server(.smtp, "smtp.gmail.com", 587, .startTLS)],
            oauth2: oauth2,
            instructions: [
                Instruction(kind: .appPassword, url: "https://myaccount.google.com/apppasswords", texts: [
                    "en": "Sign in with Google (OAuth2) is recommended. For password login, turn on 2-Step Verification and create an app password.",
                ]),
                Instruction(kind: .documentation, url: "https://support.google.com/mail/answer/7126229", texts: [
                    "en": "Gmail: read Gmail messages on other email clients using IMAP",
                ]),
            ],
            webmailURL: "https://mail.google.com/")
    }
}
