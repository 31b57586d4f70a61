/// Microsoft's mail settings: consumer Outlook.com accounts and Microsoft 365 (Exchange Online)
/// tenants differ in their SMTP host and OAuth2 scopes. Consumer domains are matched exactly
/// (`outlook.com`, `hotmail.co.uk`, …), never by pattern: `outlook.evil.example` is not Microsoft.
enum MicrosoftMail {
    static let consumerDomains: Set<String> = [
        "outlook.com", "hotmail.com", "live.com", "msn.com", "windowslive.com", "livemail.tw", "passport.com",
        "outlook.at", "outlook.be", "outlook.cl", "outlook.cz", "outlook.de", "outlook.dk", "outlook.es", "outlook.fr",
        "outlook.hu", "outlook.ie", "outlook.in", "outlook.it", "outlook.jp", "outlook.kr", "outlook.lv", "outlook.my",
        "outlook.ph", "outlook.pt", "outlook.sa", "outlook.sg", "outlook.sk", "outlook.co.id", "outlook.co.il",
        "outlook.co.th", "outlook.com.ar", "outlook.com.au", "outlook.com.br", "outlook.com.gr", "outlook.com.tr",
        "outlook.com.vn",
        "hotmail.be", "hotmail.ca", "hotmail.cl", "hotmail.cz", "hotmail.de", "hotmail.dk", "hotmail.es", "hotmail.fi",
        "hotmail.fr", "hotmail.gr", "hotmail.hu", "hotmail.it", "hotmail.lt", "hotmail.lv", "hotmail.my", "hotmail.nl",
        "hotmail.no", "hotmail.ph", "hotmail.rs", "hotmail.se", "hotmail.sg", "hotmail.sk", "hotmail.co.id",
        "hotmail.co.il", "hotmail.co.in", "hotmail.co.jp", "hotmail.co.kr", "hotmail.co.th", "hotmail.co.uk",
        "hotmail.co.za", "hotmail.com.ar", "hotmail.com.au", "hotmail.com.br", "hotmail.com.hk", "hotmail.com.tr",
        "hotmail.com.tw", "hotmail.com.vn",
        "live.at", "live.be", "live.ca", "live.cl", "live.cn", "live.de", "live.dk", "live.fi", "live.fr", "live.hk",
        "live.ie", "live.in", "live.it", "live.jp", "live.nl", "live.no", "live.ru", "live.se", "live.co.jp",
        "live.co.kr", "live.co.uk", "live.co.za", "live.com.ar", "live.com.au", "live.com.mx", "live.com.my",
        "live.com.ph", "live.com.pt", "live.com.sg",
    ]

    /// Exchange Online Protection, the inbound MX of every Microsoft 365 tenant:
    /// `contoso-com.mail.protection.outlook.com`.
    static func isMicrosoft365MX(_ host: String) -> Bool {
        let name = DNSPluginSupport.normalized(host)
        guard name.hasSuffix(".mail.protection.outlook.com") else { return false }
        let tenant = name.dropLast(".mail.protection.outlook.com".count)
        return !tenant.isEmpty && !tenant.contains(".")
    }

    static let graphURL = "https://graph.microsoft.com/v1.0/me"
    static let ewsURL = "https://outlook.office365.com/EWS/Exchange.asmx"

    static func oauth2(business: Bool) -> OAuth2Settings {
        var scopes = [
            "https://outlook.office.com/IMAP.AccessAsUser.All", "https://outlook.office.com/POP.AccessAsUser.All",
            "https://outlook.office.com/SMTP.Send",
        ]
        if business { scopes.append("https://outlook.office.com/EWS.AccessAsUser.All") }
        scopes.append("offline_access")
        let tenant = business ? "organizations" : "consumers"
        return OAuth2Settings(
            issuer: "login.microsoftonline.com", scope: scopes.joined(separator: " "),
            authURL: "https://login.microsoftonline.com/\(tenant)/oauth2/v2.0/authorize",
            tokenURL: "https://login.microsoftonline.com/\(tenant)/oauth2/v2.0/token")
    }

    /// Consumer: smtp-mail.outlook.com; business: smtp.office365.com. Password (Basic) login is
    /// retired for both, so OAuth2 is the only method listed.
    static func configuration(for domain: String, business: Bool) -> EmailConfiguration {
        let auth = [Authentication(.oauth2)]
        func server(_ type: ServerType, _ host: String, _ port: Int, _ socket: SocketType) -> Server {
            Server(type: type, hostname: host, port: port, socketType: socket, authentication: auth, username: "%EMAILADDRESS%")
        }
        var pop = server(.pop3, "outlook.office365.com", 995, .ssl)
        pop.extras["leaveMessagesOnServer"] = "true"
        var incoming = [server(.imap, "outlook.office365.com", 993, .ssl), pop]
        if business {
            incoming.append(Server(type: .ews, url: ewsURL, authentication: auth, username: "%EMAILADDRESS%"))
        }
        incoming.append(Server(type: .graph, url: graphURL, authentication: auth, username: "%EMAILADDRESS%"))
        return EmailConfiguration(
            providerID: business ? "microsoft365" : "outlook.com", domains: [domain],
            displayName: business ? "Microsoft 365" : "Outlook.com (Microsoft)", displayShortName: business ? "Microsoft 365" : "Outlook",
            incoming: incoming,
            outgoing: [server(.smtp, business ? "smtp.office365.com" : "smtp-mail.outlook.com", 587, .startTLS)],
            oauth2: oauth2(business: business),
            instructions: [Instruction(
                kind: .documentation,
                url: business
                    ? "https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/pop3-and-imap4/pop3-and-imap4"
                    : "https://support.microsoft.com/office/pop-imap-and-smtp-settings-for-outlook-com-d088b986-291d-42b8-9564-9c414e2aa040",
                texts: ["en": business ? "POP3 and IMAP4 in Exchange Online" : "POP, IMAP, and SMTP settings for Outlook.com"])],
            webmailURL: business ? "https://outlook.office.com/mail/" : "https://outlook.live.com/mail/")
    }
}
