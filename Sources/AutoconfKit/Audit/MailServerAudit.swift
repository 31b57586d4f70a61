#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Connects to every server the client families would be configured with, as a client would
/// (implicit TLS or STARTTLS, the certificate checked for the configured name), and turns what
/// goes wrong into findings: names that do not resolve, ports that do not answer, STARTTLS not
/// offered, certificates that fail (wrong name, expired, incomplete chain — OpenSSL's reason).
enum MailServerAudit {
    static func findings(for configurations: [EmailConfiguration], options: AutoconfOptions, expiryWarning: Duration = DomainAudit.defaultExpiryWarning) async -> [DomainAudit.Finding] {
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
                    return (index, findings(target, await prober.probe(target, addresses: addresses, timeout: timeout), expiryWarning: expiryWarning))
                }
            }
            var all: [(Int, [DomainAudit.Finding])] = []
            for await item in group { all.append(item) }
            return all.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    static func findings(_ target: MailProbeTarget, _ outcome: Result<MailProbeResult, MailProbeError>, expiryWarning: Duration = DomainAudit.defaultExpiryWarning, now: Date = Date()) -> [DomainAudit.Finding] {
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
            // An expired certificate already failed validation above; one that still validates
            // but expires within the window is a warning: it works today, not for long.
            if result.certificateValid == true, let expires = result.certificateExpires, expiryWarning > .zero,
               expires.timeIntervalSince(now) < Double(expiryWarning.components.seconds) {
                let days = max(0, Int((expires.timeIntervalSince(now) / 86400).rounded(.down)))
                let when = days == 0 ? "within a day" : days == 1 ? "in 1 day" : "in \(days) days"
                findings.append(.init(
                    severity: .warning, message: "\(target): the certificate for \(target.host) expires \(when) (\(utc(expires)))",
                    fix: "renew the certificate for \(target.host) before \(utc(expires)), and check that renewal runs by itself"))
            }
            return findings
        case .failure(let error):
            return [.init(severity: .problem, message: "\(target): \(error)", fix: "make \(target.host):\(target.port) answer, or publish the server that does")]
        }
    }

    /// `2026-12-05 10:00 UTC`.
    static func utc(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min)) UTC"
    }
}
