/// `autoconf check`: what every client family would configure for a domain, where the sources
/// disagree, and what is wrong with each source, with the fix in one line. The domain owner's
/// question "will my users' phones and laptops set themselves up?".
package struct DomainAudit: Sendable {
    /// The servers a family ends up with, compared across families.
    package struct Setup: Sendable, Hashable, CustomStringConvertible {
        package var incoming: String?
        package var outgoing: String?

        init(_ configuration: EmailConfiguration) {
            incoming = configuration.incoming.first.map(Self.describe)
            outgoing = configuration.outgoing.first.map(Self.describe)
        }

        static func describe(_ server: Server) -> String {
            "\(server.type.rawValue) \(server.endpoint) \(server.socketType?.rawValue ?? "?")"
        }

        package var description: String { [incoming, outgoing].compactMap { $0 }.joined(separator: " + ") }
    }

    package struct Row: Sendable {
        package var family: ClientFamily
        /// nil: the family finds nothing.
        package var setup: Setup?
        package var trust: Trust?
        /// The plugin and URL or record the answer came from.
        package var source: String?
        package var result: LookupResult
    }

    package struct Finding: Sendable, Hashable {
        package enum Severity: String, Sendable, Hashable { case problem, warning }
        package var severity: Severity
        package var message: String
        package var fix: String
    }

    /// Certificates that expire sooner than this are a warning: 14 days, the margin renewal
    /// tools keep (certbot renews at 30 days left), so a failed renewal is seen in time.
    package static let defaultExpiryWarning: Duration = .seconds(14 * 86400)

    package var email: EmailAddress
    package var rows: [Row]
    package var findings: [Finding]

    /// Every family gets the same setup, trusted, and nothing is a problem.
    package var consistent: Bool {
        !findings.contains { $0.severity == .problem }
    }

    /// Runs every family's lookup at once with `options` (its network settings: DNS servers, CA
    /// file, address mappings, timeout); plugins, HTTPS-only and the cache are the family's.
    /// `checksServers`: also connect to every mail server found (TLS, STARTTLS, certificates);
    /// a certificate that expires within `expiryWarning` is a warning (`.zero`: never).
    package static func run(
        _ email: EmailAddress, options: AutoconfOptions, families: [ClientFamily] = ClientFamily.all, checksServers: Bool = true,
        expiryWarning: Duration = defaultExpiryWarning
    ) async -> DomainAudit {
        let rows = await withTaskGroup(of: (Int, Row).self) { group in
            for (index, family) in families.enumerated() {
                var familyOptions = options
                familyOptions.plugins = family.plugins
                familyOptions.httpsOnly = family.httpsOnly
                familyOptions.offline = false
                familyOptions.cache = .off
                familyOptions.manual = ManualSettings()
                group.addTask {
                    let result: LookupResult
                    do {
                        result = try await Autoconf(options: familyOptions).discover(email)
                    } catch {
                        result = LookupResult(email: email, candidates: [], reports: [], elapsedMilliseconds: 0, deadlineReached: false)
                    }
                    let best = result.best
                    return (index, Row(
                        family: family, setup: best.map { Setup($0.configuration) }, trust: best?.trust,
                        source: best.map { "\($0.provenance.plugin) \($0.provenance.source)" }, result: result))
                }
            }
            var rows: [(Int, Row)] = []
            for await row in group { rows.append(row) }
            return rows.sorted { $0.0 < $1.0 }.map(\.1)
        }
        var findings = findings(rows, domain: email.domain)
        if checksServers {
            for finding in await MailServerAudit.findings(for: rows.compactMap { $0.result.best?.configuration }, options: options, expiryWarning: expiryWarning) where !findings.contains(finding) {
                findings.append(finding)
            }
        }
        return DomainAudit(email: email, rows: rows, findings: findings)
    }

    static func findings(_ rows: [Row], domain: String) -> [Finding] {
        var findings: [Finding] = []
        func add(_ severity: Finding.Severity, _ message: String, _ fix: String) {
            let finding = Finding(severity: severity, message: message, fix: fix)
            if !findings.contains(finding) { findings.append(finding) }
        }
        // What each source said, once per source, however many families asked it.
        var bySource: [(plugin: String, candidate: Candidate)] = []
        var reports: [String: PluginReport] = [:]
        for row in rows {
            for candidate in row.result.candidates where !bySource.contains(where: { $0.plugin == candidate.provenance.plugin }) {
                bySource.append((candidate.provenance.plugin, candidate))
            }
            // The most telling status per plugin: a family that cancelled it (another source won
            // first) says nothing about it.
            for report in row.result.reports {
                let known = reports[report.plugin]
                if known == nil || known?.status == .cancelled || known?.status == .skipped || report.status == .found { reports[report.plugin] = report }
            }
        }
        // Sources that disagree with one another (the first incoming and outgoing server).
        for (index, first) in bySource.enumerated() {
            for second in bySource[(index + 1)...] {
                let a = Setup(first.candidate.configuration), b = Setup(second.candidate.configuration)
                if a != b {
                    // A guess that differs hurts the clients that guess; published sources that
                    // differ hurt whichever client asks the wrong one.
                    let guessed = first.candidate.trust.reasons.contains(.guessed) || second.candidate.trust.reasons.contains(.guessed)
                    add(guessed ? .warning : .problem, "\(first.plugin) says \(a), \(second.plugin) says \(b)", "publish the same servers everywhere (autoconf publish dns \(domain) prints the SRV records matching your provider file)")
                }
            }
        }
        for (plugin, candidate) in bySource {
            let provenance = candidate.provenance
            for reason in candidate.trust.reasons {
                switch reason {
                case .plainHTTP:
                    add(.problem, "\(plugin): reached over plain HTTP (\(provenance.source))", "serve it over HTTPS with a valid certificate; clients may ask the user or refuse")
                case .crossDomain:
                    let via = provenance.redirects.isEmpty ? provenance.source : provenance.redirects.joined(separator: " → ")
                    add(.warning, "\(plugin): the settings come from another domain (\(via))", "publish them under \(domain) itself, or users must confirm \(provenance.registrableDomains.joined(separator: ", "))")
                case .invalidCertificate:
                    add(.problem, "\(plugin): a certificate did not validate (\(provenance.source))", "install a certificate for that host name from a public CA, with its full chain")
                case .unencrypted:
                    add(.problem, "\(plugin): a server offers no encryption (\(Setup(candidate.configuration)))", "offer implicit TLS (IMAP 993, SMTP 465) or STARTTLS")
                case .unsignedDNS, .guessed, .heuristic:
                    break
                }
            }
            if provenance.tlsVerified == false {
                add(.problem, "\(plugin): the HTTPS certificate of \(provenance.source) did not validate", "install a certificate for that host name from a public CA, with its full chain")
            }
        }
        // Missing sources, as the clients that rely on them see it.
        let missing: [(String, String, String)] = [
            ("autoconfig", "no autoconfig document at autoconfig.\(domain) or \(domain)/.well-known", "publish config-v1.1 (autoconf serve --publish DIR answers both URLs)"),
            ("autodiscover", "no Autodiscover answer: Outlook finds nothing", "publish autodiscover.\(domain) (autoconf serve --publish DIR) or its _autodiscover._tcp SRV record"),
            ("srv", "no RFC 6186 SRV records", "add them: autoconf publish dns \(domain)"),
        ]
        for (plugin, message, fix) in missing {
            guard let report = reports[plugin] else { continue }
            switch report.status {
            case .notFound: add(.warning, message, fix)
            case .failed, .timedOut:
                add(.problem, "\(plugin) failed: \(report.failure?.message ?? report.status.rawValue)", "check what is published (autoconf lookup -v --plugins \(plugin)); to start over: \(fix)")
            default: break
            }
        }
        // What the families end up with.
        let setups = rows.compactMap(\.setup)
        let common = Dictionary(grouping: setups, by: { $0 }).max { $0.value.count < $1.value.count }?.key
        for row in rows {
            // A family that only guesses cannot be served by publishing anything (but a profile).
            let guessing = row.family.plugins == ["probe"]
            guard let setup = row.setup else {
                add(guessing ? .warning : .problem, "\(row.family.name): no settings found", "publish what it asks: \(row.family.note ?? row.family.plugins.joined(separator: ", "))")
                continue
            }
            if let common, setup != common {
                let guessed = guessing || row.trust?.reasons.contains(.guessed) == true
                add(guessed ? .warning : .problem, "\(row.family.name): \(setup), where most clients get \(common)", "make every source name the same servers")
            }
            if let trust = row.trust, trust.level != .trusted, !trust.reasons.contains(.guessed) {
                add(.warning, "\(row.family.name): the user must confirm the servers (\(trust))", "publish over HTTPS on \(domain)'s own hosts")
            }
        }
        return findings
    }
}
