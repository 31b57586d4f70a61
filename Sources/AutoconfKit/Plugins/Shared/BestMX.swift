/// The best-preference MX hosts of a domain (RFC 5321 §5.1: lowest preference value first), with
/// every name validated; the Gmail, Office365 and MX plugins all start from it.
struct BestMX: Sendable {
    /// Valid hostnames of the lowest preference, lowercased, in a stable order.
    var hosts: [String]
    var preference: Int
    /// The MX answer was DNSSEC-authenticated (validated by autoconf, or `--trust-resolver-ad`).
    var authenticated: Bool

    var primary: String { hosts[0] }

    enum Outcome: Sendable {
        case found(BestMX)
        /// The domain has no (usable) MX: the reason, for "not found".
        case none(String)
        /// The domain itself does not exist (NXDOMAIN for its MX query).
        case noSuchDomain(String)
    }

    static func lookup(_ domain: String, context: PluginContext) async throws -> Outcome {
        let dns = try DNSPluginSupport.resolver(context)
        context.trace(.sourceTried("MX \(domain)"))
        let result = await DNSPluginSupport.query(context, { () async throws(DNSError) in try await dns.mx(domain) })
        DNSPluginSupport.traceValidation(context, "MX \(domain)", result)
        switch result {
        case .success(let answer):
            return choose(answer.records, authenticated: answer.authenticated, domain: domain)
        case .failure(let error):
            if case .nxdomain = error { return .noSuchDomain("\(domain) does not exist (DNS NXDOMAIN)") }
            if let failure = try DNSPluginSupport.failure(error) { throw failure }
            return .none(error.description)
        }
    }

    static func choose(_ records: [MXRecord], authenticated: Bool, domain: String) -> Outcome {
        // RFC 7505 null MX: the domain accepts no mail, so it has no mailbox to configure.
        if records.contains(where: { $0.host.isEmpty || $0.host == "." }) {
            return .none("\(domain) publishes a null MX (it receives no mail)")
        }
        let valid = records.map { MXRecord(preference: $0.preference, host: DNSPluginSupport.normalized($0.host)) }
            .filter { Hostname.isValid($0.host) && $0.host.contains(".") }
        guard let best = valid.map(\.preference).min() else {
            return .none(records.isEmpty ? "\(domain) has no MX records" : "\(domain) has no valid MX hostname")
        }
        let hosts = Array(Set(valid.filter { $0.preference == best }.map(\.host))).sorted()
        return .found(BestMX(hosts: hosts, preference: best, authenticated: authenticated))
    }
}
