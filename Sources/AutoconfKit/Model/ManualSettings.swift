#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The "more settings" form: servers, security and username the user gives by hand. What is given
/// wins; what is missing comes from discovery, or from the protocol's standard port.
public struct ManualSettings: Sendable, Hashable {
    /// The IMAP server given by hand.
    public var imap: ServerAddress?
    /// The POP3 server given by hand.
    public var pop3: ServerAddress?
    /// The SMTP server given by hand.
    public var smtp: ServerAddress?
    /// Applies to the servers given here, or — when a role has none given — to the discovered ones.
    public var security: SocketType?
    /// The login name for every server (placeholders such as `%EMAILLOCALPART%` are expanded).
    public var username: String?

    /// Settings with what is given; the rest is discovered.
    public init(imap: ServerAddress? = nil, pop3: ServerAddress? = nil, smtp: ServerAddress? = nil, security: SocketType? = nil, username: String? = nil) {
        self.imap = imap
        self.pop3 = pop3
        self.smtp = smtp
        self.security = security
        self.username = username
    }

    /// Parses the form's text fields; each error names its field (`field` is how the caller shows
    /// it, e.g. `--imap`).
    public static func parse(
        imap: String? = nil, pop3: String? = nil, smtp: String? = nil, security: String? = nil, username: String? = nil,
        fieldNames: [String: String] = [:]
    ) throws(ManualSettingsError) -> ManualSettings {
        func name(_ key: String) -> String { fieldNames[key] ?? key }
        var settings = ManualSettings()
        settings.imap = try imap.map { (text) throws(ManualSettingsError) in try ServerAddress.parse(text, field: name("imap")) }
        settings.pop3 = try pop3.map { (text) throws(ManualSettingsError) in try ServerAddress.parse(text, field: name("pop3")) }
        settings.smtp = try smtp.map { (text) throws(ManualSettingsError) in try ServerAddress.parse(text, field: name("smtp")) }
        if let security {
            guard let socket = SocketType(manual: security) else {
                throw ManualSettingsError(field: name("security"), value: security, problem: "use ssl, starttls or plain")
            }
            settings.security = socket
        }
        if let username {
            let trimmed = username.trimmingWhitespace()
            if trimmed.isEmpty { throw ManualSettingsError(field: name("username"), value: username, problem: "the username is empty") }
            if trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                throw ManualSettingsError(field: name("username"), value: username, problem: "the username contains a control character")
            }
            if trimmed.utf8.count > 320 { throw ManualSettingsError(field: name("username"), value: username, problem: "the username is longer than 320 bytes") }
            settings.username = trimmed
        }
        return settings
    }

    /// Nothing was given: the lookup is pure discovery.
    public var isEmpty: Bool { imap == nil && pop3 == nil && smtp == nil && security == nil && username == nil }

    /// Both roles given by hand: discovery has nothing left to decide.
    public var isComplete: Bool { (imap != nil || pop3 != nil) && smtp != nil }

    /// The discovered configuration with these settings applied (or only these, when nothing was
    /// discovered).
    public func apply(to discovered: EmailConfiguration?, email: EmailAddress) -> EmailConfiguration {
        var configuration = discovered ?? EmailConfiguration(domains: [email.domain])
        let placeholders = Placeholders(email: email)
        let name = username.map(placeholders.expand)
        let given = [(ServerType.imap, imap), (.pop3, pop3)].compactMap { type, address in address.map { (type, $0) } }
        if given.isEmpty {
            configuration.incoming = configuration.incoming.map { override($0, username: name) }
        } else {
            configuration.incoming = given.map { server($0.0, at: $0.1, discovered: discovered?.incoming ?? [], username: name, email: email) }
        }
        if let smtp {
            configuration.outgoing = [server(.smtp, at: smtp, discovered: discovered?.outgoing ?? [], username: name, email: email)]
        } else {
            configuration.outgoing = configuration.outgoing.map { override($0, username: name) }
        }
        return configuration
    }

    /// The best candidate with these settings applied, or nil when the result has no incoming
    /// server or lacks a needed outgoing one. Settings typed by the user are trusted as such; a
    /// mix with discovered ones keeps the discovered trust. Plain connections always need confirming.
    public func merge(into candidate: Candidate?, email: EmailAddress) -> Candidate? {
        guard !isEmpty else { return candidate }
        let configuration = apply(to: candidate?.configuration, email: email)
        guard configuration.isUsable else { return nil }
        var result: Candidate
        if let candidate, !isComplete {
            result = candidate
            result.configuration = configuration
            result.provenance.source = "\(candidate.provenance.source) + manual settings"
        } else {
            result = Candidate(configuration: configuration, trust: .trusted, provenance: Provenance(plugin: "manual", source: "manual settings", channel: .manual))
        }
        let chosen = [configuration.incoming.first, configuration.outgoing.first].compactMap { $0 }
        if chosen.contains(where: { $0.socketType == .plain }) { result.trust = result.trust.adding(.unencrypted) }
        result.provenance.registrableDomains = Array(Set(chosen.compactMap(\.hostname).map(PublicSuffix.registrableDomain(of:)))).sorted()
        return result
    }

    private func server(_ type: ServerType, at address: ServerAddress, discovered: [Server], username: String?, email: EmailAddress) -> Server {
        let sameType = discovered.filter { $0.type == type }
        let sameHost = sameType.first { $0.hostname?.lowercased() == address.host && (address.port == nil || $0.port == address.port) }
            ?? sameType.first { $0.hostname?.lowercased() == address.host }
        let base = sameHost ?? sameType.first
        let socket: SocketType
        if let security {
            socket = security
        } else if let port = address.port {
            if let sameHost, sameHost.port == port, let known = sameHost.socketType { socket = known }
            else if port == type.standardPort(for: .ssl) { socket = .ssl }
            else if port == type.standardPort(for: .startTLS) { socket = .startTLS }
            else { socket = base?.socketType ?? .ssl }
        } else {
            socket = sameHost?.socketType ?? .ssl
        }
        let port = address.port
            ?? (sameHost?.socketType == socket ? sameHost?.port : nil)
            ?? type.standardPort(for: socket)
        return Server(
            type: type, hostname: address.host, port: port, socketType: socket,
            authentication: base?.authentication.isEmpty == false ? base!.authentication : [Authentication(.passwordCleartext)],
            username: username ?? base?.username ?? email.address)
    }

    private func override(_ discovered: Server, username: String?) -> Server {
        var server = discovered
        if let username { server.username = username }
        if let security, let old = server.socketType, old != security {
            server.socketType = security
            // A standard port follows the security; a custom one is kept.
            if server.port == nil || server.port == server.type.standardPort(for: old) { server.port = server.type.standardPort(for: security) }
        }
        return server
    }
}

/// `HOST[:PORT]` as a user types it: `mail.example.com`, `mail.example.com:993`,
/// `my.mail.server: 993`, `[::1]:993`, `192.0.2.1:143`.
public struct ServerAddress: Sendable, Hashable, CustomStringConvertible {
    /// A lowercase A-label hostname, or an IP address (IPv6 without brackets).
    public var host: String
    /// The port; nil: the protocol's standard port for the security used.
    public var port: Int?

    /// An address with `host` already validated and normalized (`parse` does both).
    public init(host: String, port: Int? = nil) {
        self.host = host
        self.port = port
    }

    /// `host:port`, IPv6 in brackets.
    public var description: String { HostPort(host: host, port: port).description }

    /// Parses `host[:port]` (IPv6 in brackets), validating the host as every server is.
    /// - Parameter field: how the caller names the input in errors, e.g. `--imap`.
    /// - Throws: `ManualSettingsError` naming the field.
    public static func parse(_ text: String, field: String) throws(ManualSettingsError) -> ServerAddress {
        func fail(_ problem: String) -> ManualSettingsError { ManualSettingsError(field: field, value: text, problem: problem) }
        let input = text.trimmingWhitespace()
        if input.isEmpty { throw fail("the server is empty") }
        if input.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { throw fail("the server contains a control character") }
        if input.contains("://") { throw fail("give HOST[:PORT] without a scheme") }
        let split: HostPort
        switch HostPort.split(input) {
        case .success(let value): split = value
        case .failure(let problem): throw fail(problem.message)
        }
        if split.bracketed {
            guard IPAddress.isIPv6(split.host) else { throw fail("'\(split.host.prefix(60))' is not an IPv6 address") }
        } else if split.host.contains(":") {
            throw fail(IPAddress.isIPv6(input) ? "put an IPv6 address in brackets, e.g. [\(input)]:993" : "too many ':'")
        }
        let port = split.port
        var host = split.host.trimmingWhitespace()
        if host.isEmpty { throw fail("the hostname is empty") }
        if IPAddress.isLiteral(host) { return ServerAddress(host: host, port: port) }
        // One canonical form, as for address domains: at most one trailing dot, stripped.
        if host.hasSuffix("..") { throw fail("the hostname ends in more than one dot") }
        if host.hasSuffix(".") { host.removeLast() }
        switch IDNA.toASCII(host) {
        case .success(let ascii): host = ascii.lowercased()
        case .failure(let error): throw fail(error.message)
        }
        if let problem = Hostname.serverHostProblem(host) { throw fail(problem) }
        if host.hasSuffix(".") { throw fail("the hostname has an empty label") }
        return ServerAddress(host: host, port: port)
    }
}

/// A manual setting that cannot be used: which field, its value, and why.
public struct ManualSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field as the caller named it (`--imap`).
    public var field: String
    /// The value given.
    public var value: String
    /// What is wrong with it.
    public var problem: String

    /// One line for the user.
    public var description: String {
        let shown = value.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : String($0) }.joined().prefix(80)
        return "\(field) '\(shown)': \(problem)"
    }
}

extension SocketType {
    /// The form's spelling: `ssl` (also `tls`), `starttls`, `plain` (also `none`).
    public init?(manual value: String) {
        switch value.trimmingWhitespace().lowercased() {
        case "ssl", "tls", "implicit-tls": self = .ssl
        case "starttls": self = .startTLS
        case "plain", "none": self = .plain
        default: return nil
        }
    }
}
