/// Reads Microsoft Autodiscover "POX" responses (Outlook response schema 2006a) on the hardened
/// XML parser. Producers disagree on case, so every element is matched case-insensitively, and
/// namespaces are ignored (libxml2 gives local names). What a mail client can use becomes an
/// `EmailConfiguration`: IMAP/POP3/SMTP servers, EWS and ActiveSync URLs, the OWA address.
package struct AutodiscoverPOXReader: Sendable {
    package enum Answer: Sendable, Hashable {
        case settings(EmailConfiguration, warnings: [String])
        /// `Action` redirectAddr: ask again with this address.
        case redirectAddress(String)
        /// `Action` redirectUrl: send the same request to this URL.
        case redirectURL(String)
        /// An `Error` response (e.g. 500 "The email address can't be found", 600 "Invalid Request").
        case error(code: String?, message: String)
    }

    package var maximumSize: Int

    package init(maximumSize: Int = HardenedXMLParser.defaultMaximumSize) {
        self.maximumSize = maximumSize
    }

    /// `defaultUsername` is used where a protocol names no LoginName: `%EMAILADDRESS%`, or the
    /// address a redirectAddr led to (which is then the login).
    package func read(_ data: [UInt8], source: String, defaultUsername: String = "%EMAILADDRESS%") throws(XMLParseError) -> Answer {
        let root = try HardenedXMLParser.parse(data, source: source, maximumSize: maximumSize)
        func fail(_ element: XMLElement, _ message: String) -> XMLParseError { XMLParseError(source: source, line: element.line, message: message) }
        guard root.name.lowercased() == "autodiscover" else { throw fail(root, "root element is <\(root.name)>, expected <Autodiscover>") }
        guard let response = root.childIgnoringCase("Response") else { throw fail(root, "no <Response> element") }
        if let error = response.childIgnoringCase("Error") { return Self.error(error) }
        guard let account = response.childIgnoringCase("Account") else { throw fail(response, "no <Account> element") }
        if let error = account.childIgnoringCase("Error") { return Self.error(error) }

        switch account.childTextIgnoringCase("Action")?.lowercased() {
        case "redirectaddr":
            guard let address = account.childTextIgnoringCase("RedirectAddr") else { throw fail(account, "redirectAddr without <RedirectAddr>") }
            return .redirectAddress(address)
        case "redirecturl":
            guard let url = account.childTextIgnoringCase("RedirectUrl") else { throw fail(account, "redirectUrl without <RedirectUrl>") }
            return .redirectURL(url)
        case "settings", nil:
            break
        case let other?:
            throw fail(account, "unknown <Action> '\(other.prefix(40))'")
        }

        var configuration = EmailConfiguration()
        configuration.displayName = response.childIgnoringCase("User")?.childTextIgnoringCase("DisplayName")
        var warnings: [String] = []
        var urls: Set<String> = []
        for element in account.children where element.name.lowercased() == "protocol" {
            let type = (element.childTextIgnoringCase("Type") ?? element.attributes["Type"] ?? "").uppercased()
            switch type {
            case "IMAP", "POP3", "SMTP":
                switch Self.mailServer(element, type: type, defaultUsername: defaultUsername) {
                case .success(var server):
                    if type == "SMTP" {
                        if element.childTextIgnoringCase("UsePOPAuth")?.lowercased() == "on", let login = configuration.incoming.first?.username {
                            // SMTP logs in with the incoming server's credentials.
                            server.username = login
                            server.extras["usePOPAuth"] = "on"
                        }
                        configuration.outgoing.append(server)
                    } else {
                        configuration.incoming.append(server)
                    }
                case .failure(let why):
                    warnings.append("\(source):\(element.line): skipping \(type): \(why.reason)")
                }
            case "EXCH", "EXPR", "EXHTTP":
                for (name, serverType) in [("EwsUrl", ServerType.ews), ("ASUrl", .activeSync)] {
                    guard let url = element.childTextIgnoringCase(name), !urls.contains(url) else { continue }
                    if let problem = URLCheck.problem(url) {
                        warnings.append("\(source):\(element.line): skipping \(name): \(problem)")
                        continue
                    }
                    urls.insert(url)
                    configuration.incoming.append(Server(type: serverType, url: url, username: defaultUsername))
                }
            case "WEB":
                let owa = element.childIgnoringCase("External")?.childTextIgnoringCase("OWAUrl")
                    ?? element.childIgnoringCase("Internal")?.childTextIgnoringCase("OWAUrl") ?? element.childTextIgnoringCase("OWAUrl")
                if configuration.webmailURL == nil, let owa, URLCheck.problem(owa) == nil { configuration.webmailURL = owa }
            default:
                break
            }
        }
        guard !configuration.incoming.isEmpty else {
            let detail = warnings.first.map { " (\($0))" } ?? ""
            throw fail(account, "no IMAP, POP3 or Exchange settings\(detail)")
        }
        return .settings(configuration, warnings: warnings)
    }

    private static func error(_ element: XMLElement) -> Answer {
        .error(code: element.childTextIgnoringCase("ErrorCode"), message: element.childTextIgnoringCase("Message") ?? "Autodiscover error")
    }

    struct Invalid: Error { let reason: String }

    private static func mailServer(_ element: XMLElement, type: String, defaultUsername: String) -> Result<Server, Invalid> {
        guard let hostname = element.childTextIgnoringCase("Server")?.lowercased() else { return .failure(Invalid(reason: "no <Server>")) }
        if let problem = Hostname.problem(hostname) { return .failure(Invalid(reason: "invalid server '\(hostname.prefix(60))': \(problem)")) }
        var port: Int?
        if let text = element.childTextIgnoringCase("Port") {
            guard let value = Int(text), (1...65535).contains(value) else { return .failure(Invalid(reason: "port '\(text.prefix(20))' is not in 1–65535")) }
            port = value
        }
        let serverType = ServerType(rawValue: type)
        let socket = socketType(ssl: element.childTextIgnoringCase("SSL"), encryption: element.childTextIgnoringCase("Encryption"), port: port)
        var server = Server(type: serverType, hostname: hostname, port: port ?? serverType.standardPort(for: socket), socketType: socket)

        var login = element.childTextIgnoringCase("LoginName") ?? defaultUsername
        if isOn(element.childTextIgnoringCase("DomainRequired")), let domain = element.childTextIgnoringCase("DomainName") {
            login = "\(domain)\\\(login)"
        }
        server.username = login
        if type == "SMTP" && element.childTextIgnoringCase("AuthRequired")?.lowercased() == "off" {
            server.authentication = [Authentication(.none)]
            server.username = nil
        } else if isOn(element.childTextIgnoringCase("SPA")) {
            server.authentication = [Authentication(.passwordEncrypted)]
        } else {
            server.authentication = [Authentication(.passwordCleartext)]
        }
        return .success(server)
    }

    private static func isOn(_ value: String?) -> Bool { value?.lowercased() == "on" }

    static let implicitTLSPorts: Set<Int> = [465, 993, 995]
    static let startTLSPorts: Set<Int> = [25, 110, 143, 587]

    /// `Encryption` (None, SSL, TLS, Auto) overrides `SSL` (on, the default, or off). Producers
    /// use "SSL" and "TLS" loosely, so the port decides between implicit TLS and STARTTLS where
    /// it is a well-known one: SSL on port 587, 143 or 110 can only mean STARTTLS, and TLS on 465,
    /// 993 or 995 can only mean implicit TLS.
    package static func socketType(ssl: String?, encryption: String?, port: Int?) -> SocketType {
        let implicitPort = port.map(implicitTLSPorts.contains) ?? false
        let startTLSPort = port.map(startTLSPorts.contains) ?? false
        switch encryption?.lowercased() {
        case "none": return .plain
        case "ssl": return startTLSPort ? .startTLS : .ssl
        case "tls": return implicitPort ? .ssl : .startTLS
        default: break
        }
        if ssl?.lowercased() == "off" { return .plain }
        return startTLSPort ? .startTLS : .ssl
    }
}
