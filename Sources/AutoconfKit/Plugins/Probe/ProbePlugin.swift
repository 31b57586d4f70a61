/// The last resort: guess the usual hostnames (see `ProbePlan`), keep those that resolve, and ask
/// each candidate server what it is (`MailProber`). Probes run at once, started a few milliseconds
/// apart in preference order, each with a short timeout inside the lookup deadline. The plugin
/// waits for every probe of a resolved name (each bounded by `probeTimeout` and the deadline), so
/// the answer never depends on which probe finished first: the same servers give the same list.
/// One exception, deterministic too: a direction whose most preferred server (its first host's
/// implicit-TLS port, e.g. `imap.D:993`) answers with a validated certificate is settled — no
/// other server can rank above it — and is answered with that server alone; its other probes are
/// not waited for (STARTTLS alone costs three more round trips than implicit TLS), and servers
/// they found are not listed even when they finished first.
///
/// Trust: always `confirm` with `guessed` (nobody published these settings), plus
/// `invalid-certificate` when a chosen server's certificate failed, `unencrypted` for plain. An SMTP
/// server on port 25 that offers no AUTH is an MX relay, not a submission server, and is dropped.
package struct ProbePlugin: ProviderPlugin {
    package let name = "probe"
    package let summary = "last resort: try imap./mail./pop./smtp. hostnames and ask the servers (TLS validated)"
    package var authority: AuthorityClass? { .guessed }
    package var networkUse: NetworkUse { .hostsByName }
    package var bestPossibleTrust: Trust.Level { .confirm }
    package var probeTimeout: Duration
    package var stagger: Duration

    package init(probeTimeout: Duration = .seconds(3), stagger: Duration = .milliseconds(10)) {
        self.probeTimeout = probeTimeout
        self.stagger = stagger
    }

    private struct Found: Sendable {
        var entry: ProbePlan.Entry
        var result: MailProbeResult
        var key: [Int]
    }

    package func lookup(_ query: LookupQuery, context: PluginContext) async throws -> PluginOutcome {
        let domain = query.email.domain
        let prober = context.services[MailProberKey.self] ?? MailProber()
        let plan = ProbePlan(domain: domain)
        let entries = plan.entries

        // Each host is resolved once, and its probes start as soon as its own name resolves:
        // a slow or failing lookup of one name (pop3.D) never holds back the probe of another.
        let names = HostResolutions(plan.hosts, prober: prober, context: context)
        defer { names.cancel() }

        let timeout = probeTimeout
        let stagger = self.stagger
        let began = ContinuousClock.now
        var found: [Found] = []
        var notes: [String] = []
        // Per direction (incoming, outgoing), the entry nothing can beat, once it answered validated.
        let unbeatable = [false, true].map { outgoing in entries.firstIndex { $0.outgoing == outgoing } }
        var settled: [Int?] = [nil, nil]
        await withTaskGroup(of: (Int, Result<MailProbeResult, MailProbeError>?).self) { group in
            var startIndex = [0, 0]
            for (index, entry) in entries.enumerated() {
                // Incoming and outgoing are staggered separately, so both directions' best hosts
                // start at once; the stagger counts from the plugin's start, not from resolution.
                let slot = entry.outgoing ? 1 : 0
                let startAt = began.advanced(by: stagger * startIndex[slot])
                startIndex[slot] += 1
                group.addTask {
                    guard let addresses = await names.addresses(of: entry.target.host) else { return (index, nil) }
                    // A name resolved, so a probe will run: load the trust store beside the TCP
                    // handshake (not at the plugin's start, which a nonexistent domain would pay).
                    prober.prepare()
                    if startAt > ContinuousClock.now { try? await Task.sleep(until: startAt, clock: .continuous) }
                    if Task.isCancelled { return (index, .failure(.cancelled)) }
                    context.trace(.sourceTried(entry.target.description))
                    let result = await prober.probe(entry.target, addresses: addresses, timeout: timeout, deadline: context.deadline)
                    return (index, result)
                }
            }
            probing: for await (index, result) in group {
                let entry = entries[index]
                switch result {
                case nil:
                    break  // the host does not resolve
                case .success(let probe)?:
                    if let problem = accept(probe, entry: entry) {
                        notes.append("\(entry.target): \(problem)")
                        context.trace(.note("\(entry.target): \(problem)"))
                        continue
                    }
                    if probe.certificateValid == false {
                        context.trace(.note("\(entry.target): certificate does not validate: \(probe.certificateProblem ?? "?")"))
                    }
                    found.append(Found(entry: entry, result: probe, key: ProbePlan.key(entry, socket: probe.socketType, certificateValid: probe.certificateValid) + [index]))  // plan order breaks ties
                    let slot = entry.outgoing ? 1 : 0
                    if index == unbeatable[slot], probe.socketType == entry.target.security, probe.certificateValid == true {
                        settled[slot] = index
                        if settled[1 - slot] != nil || unbeatable[1 - slot] == nil {
                            group.cancelAll()
                            break probing
                        }
                    }
                case .failure(let error)?:
                    if error != .cancelled { context.trace(.note("\(entry.target): \(error)")) }
                }
            }
        }
        try Task.checkCancellation()
        if found.isEmpty {
            if await names.domainDoesNotExist(domain) { return .domainDoesNotExist("\(domain) does not exist (DNS NXDOMAIN)") }
            if await names.noneResolves() { return .notFound("none of \(plan.hosts.joined(separator: ", ")) resolves") }
        }

        try Task.checkCancellation()

        // A settled direction lists its unbeatable server alone, whatever else finished in time.
        func list(_ outgoing: Bool) -> [Found] {
            let slot = outgoing ? 1 : 0
            return found.filter { $0.entry.outgoing == outgoing && (settled[slot] == nil || $0.key.last == settled[slot]) }
                .sorted { $0.key.lexicographicallyPrecedes($1.key) }
        }
        let incoming = list(false)
        let outgoing = list(true)
        guard let bestIn = incoming.first, let bestOut = outgoing.first else {
            let missing = incoming.isEmpty ? "incoming (IMAP/POP3)" : "outgoing (SMTP submission)"
            return .notFound("no \(missing) server answered on the usual hostnames of \(domain)")
        }
        var trust = Trust.confirm(.guessed)
        if bestIn.result.certificateValid == false || bestOut.result.certificateValid == false { trust = trust.adding(.invalidCertificate) }
        if bestIn.result.socketType == .plain || bestOut.result.socketType == .plain { trust = trust.adding(.unencrypted) }
        let configuration = EmailConfiguration(
            domains: [domain], incoming: incoming.map(server), outgoing: outgoing.map(server))
        let provenance = context.provenance(
            source: "probe " + [bestIn, bestOut].map { "\($0.entry.target.type) \($0.entry.target.host):\($0.entry.target.port)" }.joined(separator: ", "),
            channel: .probe, registrableDomains: [PublicSuffix.registrableDomain(of: domain)],
            tlsVerified: bestIn.result.certificateValid == true && bestOut.result.certificateValid == true,
            dnssecAuthenticated: nil)
        return .found([Candidate(configuration: configuration, trust: trust, provenance: provenance)])
    }

    /// Why a server that answered is still not usable (nil: usable).
    private func accept(_ probe: MailProbeResult, entry: ProbePlan.Entry) -> String? {
        if entry.target.type == .smtp && entry.target.port == 25 && MailCapabilities.mechanisms(probe.capabilities, type: .smtp).isEmpty {
            return "port 25 without AUTH is a mail relay (MX), not a submission server"
        }
        return nil
    }

    private func server(_ found: Found) -> Server {
        var server = Server(
            type: found.entry.target.type, hostname: found.entry.target.host, port: found.entry.target.port,
            socketType: found.result.socketType, authentication: found.result.authentication, username: "%EMAILADDRESS%")
        if let problem = found.result.certificateProblem { server.extras["certificateProblem"] = problem }
        return server
    }
}
