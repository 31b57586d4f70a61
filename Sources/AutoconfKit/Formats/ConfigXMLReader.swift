#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads config-v1.1/1.2 documents (draft-ietf-mailmaint-autoconfig, Thunderbird's format)
/// tolerantly, as the draft's "XML validation" section asks: an invalid server section or an
/// unknown value is skipped with a warning, and the document is rejected only when nothing usable
/// remains. Every hostname is validated and every port must be 1–65535.
public struct ConfigXMLReader: Sendable {
    /// A parsed document: the configuration and what the reader refused or ignored.
    public struct Document: Sendable {
        /// The configuration the document describes (placeholders not yet expanded).
        public var configuration: EmailConfiguration
        /// What was skipped, as `source:line: reason` lines.
        package var warnings: [String]
        /// Wildcard domains refused because what follows `*.` is a public suffix (`*.com` would
        /// claim every .com domain, gmail.com included). `providers validate` fails on these.
        package var refusedWildcards: [String] = []
    }

    package var maximumSize: Int

    /// A reader refusing documents larger than `maximumSize` bytes.
    public init(maximumSize: Int = HardenedXMLParser.defaultMaximumSize) {
        self.maximumSize = maximumSize
    }

    /// Parses and validates a document given as text (see `read(_:source:)` for bytes).
    /// - Parameter source: names the document in errors and warnings (a path or URL).
    public func read(_ text: String, source: String) throws(XMLParseError) -> Document {
        try read(Array(text.utf8), source: source)
    }

    /// Parses and validates. Throws when the XML is malformed or hostile, the root is wrong, or no
    /// usable configuration remains (an incoming server, plus an outgoing one unless the incoming
    /// protocol submits mail itself). A provider that declares `<unsupported>` is accepted without
    /// servers.
    public func read(_ data: [UInt8], source: String) throws(XMLParseError) -> Document {
        try read(root: HardenedXMLParser.parse(data, source: source, maximumSize: maximumSize), source: source)
    }

    /// Validates a document already parsed (the bundled provider files, parsed at build time:
    /// BundledProviders), exactly as `read(_:source:)` does after parsing.
    package func read(root: XMLElement, source: String) throws(XMLParseError) -> Document {
        guard root.name == "clientConfig" else {
            throw XMLParseError(source: source, line: root.line, message: "root element is <\(root.name)>, expected <clientConfig>")
        }
        guard let provider = root.child(named: "emailProvider") else {
            throw XMLParseError(source: source, line: root.line, message: "no <emailProvider> element")
        }
        var warnings: [String] = []
        func warn(_ line: Int, _ message: String) { warnings.append("\(source):\(line): \(message)") }

        var configuration = EmailConfiguration(providerID: provider.attributes["id"])
        var refusedWildcards: [String] = []
        for domain in provider.children(named: "domain") {
            let value = domain.text.trimmed.lowercased()
            if value.isEmpty { continue }
            if domain.attributes["purpose"] == "mx" { continue }  // 1.2: MX-only match hints, not addresses
            if value.hasPrefix("*."), ProviderCatalog.isUnsafeWildcard(value) {
                warn(domain.line, "refusing <domain> '\(value.prefix(80))': '\(value.dropFirst(2).prefix(80))' is a public suffix")
                refusedWildcards.append(value)
                continue
            }
            if Hostname.isValid(value.hasPrefix("*.") ? String(value.dropFirst(2)) : value) {
                configuration.domains.append(value)
            } else {
                warn(domain.line, "ignoring invalid <domain> '\(value.prefix(80))'")
            }
        }
        configuration.displayName = provider.childText("displayName")
        configuration.displayShortName = provider.childText("displayShortName") ?? provider.childText("displayNameShort")

        for element in provider.children {
            switch element.name {
            case "incomingServer", "outgoingServer":
                switch server(from: element, outgoing: element.name == "outgoingServer") {
                case .success(let server):
                    if element.name == "incomingServer" { configuration.incoming.append(server) } else { configuration.outgoing.append(server) }
                case .failure(let problem):
                    warn(element.line, "skipping <\(element.name)\(element.attributes["type"].map { " type=\"\($0)\"" } ?? "")>: \(problem.reason)")
                }
            case "documentation":
                configuration.instructions.append(instruction(.documentation, element, urlAttribute: "url", textElement: "descr"))
            case "enable":
                configuration.instructions.append(instruction(.enable, element, urlAttribute: "visiturl", textElement: "instruction"))
            case "appPassword":
                configuration.instructions.append(instruction(.appPassword, element, urlAttribute: "visiturl", textElement: "instruction"))
            case "unsupported":
                configuration.instructions.append(instruction(.unsupported, element, urlAttribute: "visiturl", textElement: "instruction"))
            case "webMail":
                configuration.webmailURL = element.child(named: "loginPage")?.attributes["url"]
            case "addressBook", "calendar", "fileShare":
                if let service = collaboration(element) { configuration.collaboration.append(service) }
            default:
                break
            }
        }
        // 1.2 places CardDAV/CalDAV next to emailProvider; accept both places.
        for element in root.children where ["addressBook", "calendar", "fileShare"].contains(element.name) {
            if let service = collaboration(element) { configuration.collaboration.append(service) }
        }
        if let oauth = root.child(named: "oAuth2") ?? provider.child(named: "oAuth2") {
            if let issuer = oauth.childText("issuer") {
                configuration.oauth2 = OAuth2Settings(
                    issuer: issuer, scope: oauth.childText("scope"), authURL: oauth.childText("authURL"),
                    tokenURL: oauth.childText("tokenURL"), clientID: oauth.childText("clientID"))
            } else {
                warn(oauth.line, "ignoring <oAuth2> without <issuer>")
            }
        }

        if !configuration.isUsable && configuration.unsupportedExplanation == nil {
            let detail = warnings.isEmpty ? "" : " (\(warnings.count) section\(warnings.count == 1 ? "" : "s") skipped: \(warnings[0]))"
            let what = configuration.incoming.isEmpty ? "no usable incoming server" : "no usable outgoing server"
            throw XMLParseError(source: source, line: provider.line, message: "\(what)\(detail)")
        }
        return Document(configuration: configuration, warnings: warnings, refusedWildcards: refusedWildcards)
    }

    struct Invalid: Error { let reason: String }

    private func server(from element: XMLElement, outgoing: Bool) -> Result<Server, Invalid> {
        let typeName = element.attributes["type"] ?? (outgoing ? "smtp" : "")
        if typeName.isEmpty { return .failure(Invalid(reason: "no type attribute")) }
        let type = ServerType(rawValue: typeName)
        if outgoing && type != .smtp { return .failure(Invalid(reason: "unknown outgoing type '\(typeName)'")) }
        // Unknown protocols are kept (as `.unknown`) so newer documents round-trip; they never
        // count towards a usable configuration.

        var server = Server(type: type)
        server.username = element.childText("username")
        if server.username == "undefined" { server.username = nil }

        for auth in element.children(named: "authentication") {
            let value = auth.text.trimmed
            guard !value.isEmpty else { continue }
            let method = AuthenticationMethod(rawValue: value)
            if case .unknown = method { continue }  // unknown method: ignore it, keep the server
            server.authentication.append(Authentication(method, system: auth.attributes["system"]))
        }

        if let socket = element.childText("socketType") {
            guard let parsed = SocketType(document: socket) else {
                return .failure(Invalid(reason: "unknown socketType '\(socket.prefix(40))'"))
            }
            server.socketType = parsed
        }

        if type.isURLBased {
            let url = element.childText("url") ?? element.childText("ewsURL") ?? element.childText("ewsUrl")
            for key in ["owaURL", "easURL"] {
                if let value = element.childText(key), URLCheck.problem(value) == nil { server.extras[key] = value }
            }
            if let url {
                guard let problem = URLCheck.problem(url) else {
                    server.url = url
                    return .success(server)
                }
                return .failure(Invalid(reason: problem))
            }
            if element.childText("hostname") == nil { return .failure(Invalid(reason: "no <url> or <hostname>")) }
        }

        guard let hostname = element.childText("hostname") else { return .failure(Invalid(reason: "no <hostname>")) }
        let sample = Placeholders.validationSample.expand(hostname)
        if let problem = Hostname.problem(sample) {
            return .failure(Invalid(reason: "invalid hostname '\(hostname.prefix(60).debugDescription.dropFirst().dropLast())': \(problem)"))
        }
        // Hostnames are case-insensitive; placeholders are not, so leave those names as written.
        server.hostname = hostname.containsByte(UInt8(ascii: "%")) ? hostname : hostname.lowercased()
        guard let portText = element.childText("port") else { return .failure(Invalid(reason: "no <port>")) }
        guard let port = Int(portText), (1...65535).contains(port) else {
            return .failure(Invalid(reason: "port '\(portText.prefix(20))' is not in 1–65535"))
        }
        server.port = port
        if server.socketType == nil { return .failure(Invalid(reason: "no <socketType>")) }
        for name in ["leaveMessagesOnServer", "downloadOnBiff", "daysToLeaveMessagesOnServer", "deleteByAgeFromServer"] {
            if let value = element.child(named: "pop3")?.childText(name) { server.extras["pop3.\(name)"] = value }
        }
        if let value = element.childText("useGlobalPreferredServer") { server.extras["useGlobalPreferredServer"] = value }
        if let value = element.childText("addThisServer") { server.extras["addThisServer"] = value }
        return .success(server)
    }

    private func instruction(_ kind: Instruction.Kind, _ element: XMLElement, urlAttribute: String, textElement: String) -> Instruction {
        var texts: [String: String] = [:]
        for text in element.children(named: textElement) {
            let value = text.text.trimmed
            if !value.isEmpty { texts[text.attributes["lang"] ?? ""] = value }
        }
        let own = element.text.trimmed
        if texts.isEmpty && !own.isEmpty { texts[""] = own }
        let url = element.attributes[urlAttribute].flatMap { URLCheck.problem($0) == nil ? $0 : nil }
        return Instruction(kind: kind, url: url, texts: texts)
    }

    private func collaboration(_ element: XMLElement) -> CollaborationService? {
        let kind: CollaborationService.Kind = element.name == "addressBook" ? .addressBook : element.name == "calendar" ? .calendar : .fileShare
        let url = element.childText("serverURL") ?? element.childText("url")
        guard let type = element.attributes["type"] else { return nil }
        let auth = element.children(named: "authentication").map { Authentication(AuthenticationMethod(rawValue: $0.text), system: $0.attributes["system"]) }
        return CollaborationService(kind: kind, type: type, url: url, username: element.childText("username"), authentication: auth)
    }
}

/// URLs from documents: http(s) only, a valid host, no whitespace or control characters.
enum URLCheck {
    static func problem(_ url: String) -> String? {
        let lower = url.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else { return "URL '\(url.prefix(60))' is not http(s)" }
        // Checked on the text as given and as expanded (the sanitizer passes the expanded URL,
        // the one that is fetched): no Unicode whitespace, control, separator or bidi character.
        let expanded = Placeholders.validationSample.expand(url)
        if url.unicodeScalars.contains(where: isForbidden) || expanded.unicodeScalars.contains(where: isForbidden) {
            return "URL contains whitespace or control characters"
        }
        guard let host = URLComponents(string: expanded)?.host, Hostname.isValid(host) else {
            return "URL '\(url.prefix(60))' has no valid host"
        }
        return nil
    }

    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value <= 0x20 || scalar.properties.isWhitespace || TerminalText.isUnsafe(scalar)
            || scalar.properties.generalCategory == .format
    }
}
