/// Applied by the resolver to every candidate from every plugin, so no source (built-in or an
/// embedding tool's) can hand a front end an unexpanded placeholder or an invalid hostname:
/// placeholders are expanded everywhere, servers whose hostname, port or URL fail validation are
/// dropped (as are servers whose username fails `WireValue`), the preferred incoming protocol is moved first, and unencrypted servers lower trust.
struct CandidateSanitizer: Sendable {
    let placeholders: Placeholders
    let preferredIncoming: ServerType

    init(query: LookupQuery, preferredIncoming: ServerType) {
        placeholders = Placeholders(email: query.email, realName: query.realName)
        self.preferredIncoming = preferredIncoming
    }

    /// nil when nothing usable remains. `note` hears, for each server dropped, which field failed
    /// and why (for the trace).
    func sanitize(_ candidate: Candidate, note: (String) -> Void = { _ in }) -> Candidate? {
        var configuration = placeholders.expand(candidate.configuration)
        func keep(_ server: Server, _ direction: String) -> Bool {
            guard let problem = Self.problem(server) else { return true }
            let name = server.hostname.map { "\($0.prefix(80))\(server.port.map { ":\($0)" } ?? "")" } ?? server.url.map { String($0.prefix(80)) } ?? "without host"
            note("dropped \(direction) \(server.type.rawValue) server \(name): \(problem)")
            return false
        }
        configuration.incoming = configuration.incoming.filter { keep($0, "incoming") }
        configuration.outgoing = configuration.outgoing.filter { keep($0, "outgoing") }
        configuration = configuration.preferring(preferredIncoming)
        guard configuration.isUsable else { return nil }
        var result = candidate
        result.configuration = configuration
        let chosen = [configuration.incoming.first, configuration.outgoing.first].compactMap { $0 }
        if chosen.contains(where: { $0.socketType == .plain }) {
            result.trust = result.trust.adding(.unencrypted)
        }
        var domains = result.provenance.registrableDomains
        for host in (configuration.incoming + configuration.outgoing).compactMap(\.hostname) {
            let domain = PublicSuffix.registrableDomain(of: host)
            if !domains.contains(domain) { domains.append(domain) }
        }
        result.provenance.registrableDomains = domains
        return result
    }

    /// The one server validator: every plugin's answer and every server read back from the cache
    /// (`LookupCache`) pass it, so the two can never disagree on what a server may be. A host is
    /// a hostname or an IP literal (`Hostname.serverHostProblem`).
    static func isValid(_ server: Server) -> Bool { problem(server) == nil }

    /// Which field of a server fails validation, and why; nil when it is usable.
    static func problem(_ server: Server) -> String? {
        // A username goes into LOGIN/AUTH lines: CR/LF there would inject commands.
        if let username = server.username, let why = WireValue.problem(username) { return "username: \(why)" }
        if let hostname = server.hostname {
            if let why = Hostname.serverHostProblem(hostname) { return "hostname: \(why)" }
            guard let port = server.port else { return "port: missing" }
            guard (1...65535).contains(port) else { return "port: \(port) is not 1-65535" }
            if server.socketType == nil { return "socketType: missing or unknown" }
            return nil
        }
        if let url = server.url { return URLCheck.problem(url).map { "url: \($0)" } }
        return "no hostname or URL"
    }
}
