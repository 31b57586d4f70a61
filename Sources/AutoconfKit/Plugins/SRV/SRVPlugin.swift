/// RFC 6186 service records, with RFC 8314's preference for implicit TLS: `_imaps`, `_imap`,
/// `_pop3s`, `_pop3`, `_submissions`, `_submission` (and RFC 8620's `_jmap`) under the email
/// domain, all asked at once. Within a service the RFC 2782 order applies; a lone `.` target means
/// the service is explicitly not offered.
///
/// Trust: SRV answers are `trusted` when DNSSEC-validated, or when every server they name lies
/// inside the email domain (the domain names its own hosts). Otherwise `confirm (unsigned-dns)`,
/// plus `cross-domain` when a server lies in another registrable domain (RFC 6186 §6, RFC 7817:
/// an unsigned SRV record may not send the client to someone else's server unasked).
package struct SRVPlugin: ProviderPlugin {
    package let name = "srv"
    package let summary = "DNS SRV records for IMAP, POP3, submission and JMAP (RFC 6186, RFC 8314)"
    package var authority: AuthorityClass? { .dns }
    package var networkUse: NetworkUse { .dnsRecords }
    private let random: @Sendable () -> UInt64

    struct Service: Sendable {
        var label: String
        var type: ServerType
        var socket: SocketType
        var outgoing: Bool
    }

    /// In RFC 8314 preference order: implicit TLS before STARTTLS; IMAP before POP3.
    static let services: [Service] = [
        Service(label: "_imaps", type: .imap, socket: .ssl, outgoing: false),
        Service(label: "_imap", type: .imap, socket: .startTLS, outgoing: false),
        Service(label: "_pop3s", type: .pop3, socket: .ssl, outgoing: false),
        Service(label: "_pop3", type: .pop3, socket: .startTLS, outgoing: false),
        Service(label: "_jmap", type: .jmap, socket: .ssl, outgoing: false),
        Service(label: "_submissions", type: .smtp, socket: .ssl, outgoing: true),
        Service(label: "_submission", type: .smtp, socket: .startTLS, outgoing: true),
    ]

    /// `random` feeds RFC 2782's weighted choice (default: the system generator).
    package init(random: (@Sendable () -> UInt64)? = nil) {
        self.random = random ?? { UInt64.random(in: .min ... .max) }
    }

    package func lookup(_ query: LookupQuery, context: PluginContext) async throws -> PluginOutcome {
        let domain = query.email.domain
        let dns = try DNSPluginSupport.resolver(context)
        let answers = await withTaskGroup(of: (Int, Result<DNSAnswer<[SRVRecord]>, DNSError>).self) { group in
            for (index, service) in Self.services.enumerated() {
                let name = "\(service.label)._tcp.\(domain)"
                group.addTask {
                    context.trace(.sourceTried("SRV \(name)"))
                    let result = await DNSPluginSupport.query(context, { () async throws(DNSError) in try await dns.srv(name) })
                    DNSPluginSupport.traceValidation(context, "SRV \(name)", result)
                    return (index, result)
                }
            }
            var all: [Int: Result<DNSAnswer<[SRVRecord]>, DNSError>] = [:]
            for await (index, result) in group { all[index] = result }
            return all
        }
        try Task.checkCancellation()

        var generator = InjectedGenerator(source: random)
        var incoming: [Server] = [], outgoing: [Server] = []
        var sources: [String] = [], failures: [PluginFailure] = []
        var allAuthenticated = true, allInside = true, anyForeign = false
        let ownDomain = PublicSuffix.registrableDomain(of: domain)
        for (index, service) in Self.services.enumerated() {
            let name = "\(service.label)._tcp.\(domain)"
            switch answers[index] {
            case .success(let answer):
                let records = answer.records.filter { $0.target == "." || (Hostname.isValid($0.target) && (1...65535).contains($0.port)) }
                // RFC 2782: a single record with target "." means "decidedly not available".
                if records.isEmpty || records.contains(where: { $0.target == "." }) {
                    if records.contains(where: { $0.target == "." }) { context.trace(.note("\(name): not offered (target \".\")")) }
                    continue
                }
                sources.append(name)
                if !answer.authenticated { allAuthenticated = false }
                for record in SRVOrder.rfc2782(records, using: &generator) {
                    let host = DNSPluginSupport.normalized(record.target)
                    if !DNSPluginSupport.isInside(host, domain: domain) { allInside = false }
                    if PublicSuffix.registrableDomain(of: host) != ownDomain { anyForeign = true }
                    var server = Server(type: service.type, username: "%EMAILADDRESS%")
                    if service.type == .jmap {
                        // RFC 8620 §2.2: the session resource is at /.well-known/jmap on the target.
                        server.url = record.port == 443 ? "https://\(host)/.well-known/jmap" : "https://\(host):\(record.port)/.well-known/jmap"
                    } else {
                        server.hostname = host
                        server.port = record.port
                        server.socketType = service.socket
                    }
                    if service.outgoing { outgoing.append(server) } else { incoming.append(server) }
                }
            case .failure(let error):
                // A bogus answer means someone is tampering with this domain's DNS: nothing from
                // it is used, not even the services that did validate.
                if case .bogus = error, let failure = try DNSPluginSupport.failure(error) { throw failure }
                if let failure = try DNSPluginSupport.failure(error) { failures.append(failure) }
            case nil:
                continue
            }
        }
        if incoming.isEmpty && outgoing.isEmpty {
            // A service name the resolver refused or failed on is unknown, not absent: with no
            // usable record elsewhere, "no SRV records" is not established.
            if let failure = failures.first { throw failure }
            return .notFound("no usable SRV records under \(domain)")
        }
        var reasons: [Trust.Reason] = []
        if !(allAuthenticated || allInside) {
            reasons.append(.unsignedDNS)
            if anyForeign { reasons.append(.crossDomain) }
        }
        let configuration = EmailConfiguration(domains: [domain], incoming: incoming, outgoing: outgoing)
        let provenance = context.provenance(
            source: sources.map { "SRV \($0)" }.joined(separator: ", "), channel: .dns,
            registrableDomains: [PublicSuffix.registrableDomain(of: domain)], dnssecAuthenticated: allAuthenticated)
        return .found([Candidate(configuration: configuration, trust: Trust(level: reasons.isEmpty ? .trusted : .confirm, reasons: reasons), provenance: provenance)])
    }
}

/// A RandomNumberGenerator over an injected source of 64-bit values.
struct InjectedGenerator: RandomNumberGenerator {
    let source: @Sendable () -> UInt64
    mutating func next() -> UInt64 { source() }
}
