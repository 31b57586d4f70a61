/// Writes the Outlook Autodiscover "POX" response (response schema 2006a) that Outlook, and
/// every client reading Autodiscover for IMAP/POP3/SMTP, accepts: one `Protocol` block per
/// server with `Server`, `Port`, `LoginName`, `SPA`, `SSL`, `Encryption` and `AuthRequired`.
/// The configuration must already be expanded for the asking address: Autodiscover is per user.
/// libxml2 escapes every value (`XMLSerializer`), so no value from a provider file can inject markup.
package enum AutodiscoverResponseWriter {
    package static let namespace = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
    package static let contentType = "text/xml; charset=utf-8"

    /// Settings for `configuration`. URL-based protocols (EWS, ActiveSync) become an `EXCH`
    /// block carrying their URLs; OAuth2-only servers cannot be described by POX and are left out.
    package static func settings(_ configuration: EmailConfiguration) -> String {
        var account = XMLElement(name: "Account", children: [text("AccountType", "email"), text("Action", "settings")])
        for server in configuration.incoming + configuration.outgoing {
            if let block = mailProtocol(server) { account.children.append(block) }
        }
        let ews = configuration.incoming.first { $0.type == .ews }?.url
        let activeSync = configuration.incoming.first { $0.type == .activeSync }?.url
        if ews != nil || activeSync != nil {
            var exchange = XMLElement(name: "Protocol", children: [text("Type", "EXCH")])
            if let ews { exchange.children.append(text("EwsUrl", ews)) }
            if let activeSync { exchange.children.append(text("ASUrl", activeSync)) }
            account.children.append(exchange)
        }
        if let webmail = configuration.webmailURL {
            account.children.append(XMLElement(name: "Protocol", children: [
                text("Type", "WEB"), XMLElement(name: "External", children: [text("OWAUrl", webmail)]),
            ]))
        }
        var response = XMLElement(name: "Response", attributes: ["xmlns": AutodiscoverRequestWriter.responseSchema])
        if let name = configuration.displayName {
            response.children.append(XMLElement(name: "User", children: [text("DisplayName", name)]))
        }
        response.children.append(account)
        return document(response)
    }

    /// `Action` redirectAddr: the client asks again for `address`.
    package static func redirect(toAddress address: String) -> String {
        let account = XMLElement(name: "Account", children: [
            text("AccountType", "email"), text("Action", "redirectAddr"), text("RedirectAddr", address),
        ])
        return document(XMLElement(name: "Response", attributes: ["xmlns": AutodiscoverRequestWriter.responseSchema], children: [account]))
    }

    /// An `Error` response, as Exchange sends them: 500 for an unknown address, 600 for an
    /// invalid request.
    package static func error(code: Int, message: String) -> String {
        let error = XMLElement(name: "Error", children: [text("ErrorCode", String(code)), text("Message", message), XMLElement(name: "DebugData")])
        return document(XMLElement(name: "Response", children: [error]))
    }

    static func mailProtocol(_ server: Server) -> XMLElement? {
        let type: String
        switch server.type {
        case .imap: type = "IMAP"
        case .pop3: type = "POP3"
        case .smtp: type = "SMTP"
        default: return nil
        }
        guard let hostname = server.hostname else { return nil }
        let methods = server.authenticationMethods
        let passwordless = methods == [.none]
        if !passwordless && !methods.isEmpty && !methods.contains(where: \.usesPassword) { return nil }
        let socket = server.socketType ?? .ssl
        var node = XMLElement(name: "Protocol", children: [text("Type", type), text("Server", hostname)])
        if let port = server.port ?? server.type.standardPort(for: socket) { node.children.append(text("Port", String(port))) }
        node.children.append(text("DomainRequired", "off"))
        if let username = server.username, !passwordless { node.children.append(text("LoginName", username)) }
        node.children.append(text("SPA", methods.first == .passwordEncrypted || methods.first == .ntlm ? "on" : "off"))
        // SSL says "encrypted at all"; Encryption says how. Readers that know only SSL still
        // get the right answer on the well-known ports.
        node.children.append(text("SSL", socket == .plain ? "off" : "on"))
        node.children.append(text("Encryption", socket == .plain ? "None" : socket == .startTLS ? "TLS" : "SSL"))
        node.children.append(text("AuthRequired", passwordless ? "off" : "on"))
        return node
    }

    private static func document(_ response: XMLElement) -> String {
        XMLSerializer.serialize(XMLElement(name: "Autodiscover", attributes: ["xmlns": namespace], children: [response]))
    }

    private static func text(_ name: String, _ value: String) -> XMLElement { XMLElement(name: name, text: value) }
}

/// Reads an Outlook Autodiscover request (request schema 2006) on the hardened XML parser: the
/// address asked for and the response schema the client accepts.
package enum AutodiscoverRequestReader {
    package struct Request: Sendable, Hashable {
        package var emailAddress: String
        package var acceptableResponseSchema: String?
    }

    /// Requests are a few hundred bytes; 16 KiB leaves room for any real client.
    package static let maximumSize = 16 << 10

    package static func read(_ data: [UInt8]) throws(XMLParseError) -> Request {
        let root = try HardenedXMLParser.parse(data, source: "request", maximumSize: maximumSize)
        guard root.name.lowercased() == "autodiscover" else {
            throw XMLParseError(source: "request", line: root.line, message: "root element is <\(root.name.prefix(40))>, expected <Autodiscover>")
        }
        guard let request = root.childIgnoringCase("Request") else { throw XMLParseError(source: "request", line: root.line, message: "no <Request> element") }
        guard let address = request.childTextIgnoringCase("EMailAddress") else {
            throw XMLParseError(source: "request", line: request.line, message: "no <EMailAddress> element")
        }
        return Request(emailAddress: address, acceptableResponseSchema: request.childTextIgnoringCase("AcceptableResponseSchema"))
    }
}
