/// Connects to every server the client families would be configured with, as a client would
/// (implicit TLS or STARTTLS, the certificate checked for the configured name), and turns what
/// goes wrong into findings: names that do not resolve, ports that do not answer, STARTTLS not
/// offered, certificates that fail (wrong name, expired, incomplete chain — OpenSSL's reason).
enum MailServerAudit {
    static func findings(for configurations: [EmailConfiguration], options: AutoconfOptions) async -> [DomainAudit.Finding] {
        let services = BuiltInPlugins.services(options: options)
        guard let prober = services[MailProberKey.self] else { return [] }
        let dns = services[DNSResolverKey.self]
        var targets: [MailProbeTarget] = []
        for configuration in configurations {
            for server in [configuration.incoming.first, configuration.outgoing.first].compactMap({ $0 }) {
                guard [.imap, .pop3, .smtp].contains(server.type), let host = server.hostname, let port = server.port,
                      let socket = server.socketType, socket != .plain, !host.contains("%") else { continue }
                let target = MailProbeTarget(host: host, port: port, type: server.type, security: socket)
                if !targets.contains(target) { targets.append(target) }
            }
        }
        let timeout = min(options.timeout, .seconds(8))
        return await withTaskGroup(of: (Int, [DomainAudit.Finding]).self) { group in
            for (index, target) in targets.enumerated() {
                group.addTask {
                    var addresses: [String] = []
                    if !prober.overrides.covers(host: target.host) {
                        guard let dns, let answer = try? await dns.addresses(target.host), !answer.records.isEmpty else {
                            return (index, [.init(severity: .problem, message: "\(target): \(target.host) does not resolve", fix: "add A/AAAA records for \(target.host)")])
                        }
                        addresses = answer.records
                    }
                    return (index, findings(target, await prober.probe(target, addresses: addresses, timeout: timeout)))
                }
            }
            var all: [(Int, [DomainAudit.Finding])] = []
            for await item in group { all.append(item) }
            return all.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    static func findings(_ target: MailProbeTarget, _ outcome: Result<MailProbeResult, MailProbeError>) -> [DomainAudit.Finding] {
        switch outcome {
        case .success(let result):
            var findings: [DomainAudit.Finding] = []
            if target.security == .startTLS && result.socketType == .plain {
                findings.append(.init(severity: .problem, message: "\(target): the server does not offer STARTTLS", fix: "enable STARTTLS, or publish the implicit-TLS port instead"))
            }
            if result.certificateValid == false {
                findings.append(.init(
                    severity: .problem, message: "\(target): certificate problem: \(result.certificateProblem ?? "did not validate")",
                    fix: "install a certificate for \(target.host) from a public CA, with its full chain, and renew it before it expires"))
            }
            return findings
        case .failure(let error):
            return [.init(severity: .problem, message: "\(target): \(error)", fix: "make \(target.host):\(target.port) answer, or publish the server that does")]
        }
    }
}
