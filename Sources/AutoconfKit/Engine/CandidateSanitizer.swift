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

    /// nil when nothing usable remains.
    func sanitize(_ candidate: Candidate) -> Candidate? {
        var configuration = placeholders.expand(candidate.configuration)
        configuration.incoming = configuration.incoming.filter(Self.isValid)
        configuration.outgoing = configuration.outgoing.filter(Self.isValid)
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
    static func isValid(_ server: Server) -> Bool {
        // A username goes into LOGIN/AUTH lines: CR/LF there would inject commands.
        if let username = server.username, !WireValue.isValid(username) { return false }
        if let hostname = server.hostname {
            guard Hostname.serverHostProblem(hostname) == nil else { return false }
            guard let port = server.port, (1...65535).contains(port) else { return false }
            if server.socketType == nil { return false }
            return true
        }
        if let url = server.url { return URLCheck.problem(url) == nil }
        return false
    }
}
