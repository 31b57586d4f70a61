#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Writes any configuration as a valid config-v1.1 document (what Thunderbird and every ISPDB
/// consumer read). Reading the output back gives the same configuration.
public enum ConfigXMLWriter {
    /// The configuration as a config-v1.1 document (what Thunderbird and the ISPDB read).
    public static func document(for configuration: EmailConfiguration) -> String {
        XMLSerializer.serialize(element(for: configuration))
    }

    package static func element(for configuration: EmailConfiguration) -> XMLElement {
        var provider = XMLElement(name: "emailProvider")
        if let id = configuration.providerID ?? configuration.domains.first { provider.attributes["id"] = id }
        for domain in configuration.domains { provider.children.append(text("domain", domain)) }
        if let name = configuration.displayName { provider.children.append(text("displayName", name)) }
        if let name = configuration.displayShortName { provider.children.append(text("displayShortName", name)) }
        for server in configuration.incoming { provider.children.append(element(for: server, tag: "incomingServer")) }
        for server in configuration.outgoing { provider.children.append(element(for: server, tag: "outgoingServer")) }
        for instruction in configuration.instructions {
            provider.children.append(element(for: instruction))
        }
        if let webmail = configuration.webmailURL {
            provider.children.append(XMLElement(name: "webMail", children: [XMLElement(name: "loginPage", attributes: ["url": webmail])]))
        }
        var root = XMLElement(name: "clientConfig", attributes: ["version": "1.1"], children: [provider])
        for service in configuration.collaboration {
            var node = XMLElement(name: service.kind.rawValue, attributes: ["type": service.type])
            if let username = service.username { node.children.append(text("username", username)) }
            for auth in service.authentication { node.children.append(authentication(auth)) }
            if let url = service.url { node.children.append(text("serverURL", url)) }
            root.children.append(node)
        }
        if let oauth = configuration.oauth2 {
            var node = XMLElement(name: "oAuth2", children: [text("issuer", oauth.issuer)])
            if let scope = oauth.scope { node.children.append(text("scope", scope)) }
            if let url = oauth.authURL { node.children.append(text("authURL", url)) }
            if let url = oauth.tokenURL { node.children.append(text("tokenURL", url)) }
            if let id = oauth.clientID { node.children.append(text("clientID", id)) }
            root.children.append(node)
        }
        return root
    }

    static func element(for server: Server, tag: String) -> XMLElement {
        if server.type == .ews { return exchange(server, tag: tag) }
        var node = XMLElement(name: tag, attributes: ["type": server.type.rawValue])
        if let hostname = server.hostname { node.children.append(text("hostname", hostname)) }
        if let port = server.port { node.children.append(text("port", String(port))) }
        if let socket = server.socketType { node.children.append(text("socketType", socket.rawValue)) }
        if let url = server.url { node.children.append(text("url", url)) }
        if let username = server.username { node.children.append(text("username", username)) }
        for auth in server.authentication { node.children.append(authentication(auth)) }
        let pop3 = server.extras.keys.filter { $0.hasPrefix("pop3.") }.sorted()
        if !pop3.isEmpty {
            node.children.append(XMLElement(name: "pop3", children: pop3.map { text(String($0.dropFirst(5)), server.extras[$0]!) }))
        }
        for key in ["useGlobalPreferredServer", "addThisServer"] {
            if let value = server.extras[key] { node.children.append(text(key, value)) }
        }
        return node
    }

    /// Exchange the way Thunderbird reads it: `type="exchange"`, the host and port of the EWS
    /// endpoint, and the endpoints as `<owaURL>`, `<ewsURL>`, `<easURL>` (Thunderbird ignores `<url>`).
    static func exchange(_ server: Server, tag: String) -> XMLElement {
        var node = XMLElement(name: tag, attributes: ["type": "exchange"])
        let endpoint = server.url.flatMap(URLHost.parse)
        if let hostname = server.hostname ?? endpoint?.host { node.children.append(text("hostname", hostname)) }
        if let port = server.port ?? endpoint?.port {
            node.children.append(text("port", String(port)))
        }
        if let socket = server.socketType { node.children.append(text("socketType", socket.rawValue)) }
        if let username = server.username { node.children.append(text("username", username)) }
        for auth in server.authentication { node.children.append(authentication(auth)) }
        if let owa = server.extras["owaURL"] { node.children.append(text("owaURL", owa)) }
        if let url = server.url { node.children.append(text("ewsURL", url)) }
        if let eas = server.extras["easURL"] { node.children.append(text("easURL", eas)) }
        return node
    }

    static func element(for instruction: Instruction) -> XMLElement {
        let (tag, urlAttribute, textTag): (String, String, String) =
            switch instruction.kind {
            case .documentation: ("documentation", "url", "descr")
            case .enable: ("enable", "visiturl", "instruction")
            case .appPassword: ("appPassword", "visiturl", "instruction")
            case .unsupported: ("unsupported", "visiturl", "instruction")
            }
        var node = XMLElement(name: tag)
        if let url = instruction.url { node.attributes[urlAttribute] = url }
        for (lang, value) in instruction.texts.sorted(by: { $0.key < $1.key }) {
            var child = text(textTag, value)
            if !lang.isEmpty { child.attributes["lang"] = lang }
            node.children.append(child)
        }
        return node
    }

    private static func authentication(_ auth: Authentication) -> XMLElement {
        var node = text("authentication", auth.method.rawValue)
        if let system = auth.system { node.attributes["system"] = system }
        return node
    }

    private static func text(_ name: String, _ value: String) -> XMLElement {
        XMLElement(name: name, text: value)
    }
}
