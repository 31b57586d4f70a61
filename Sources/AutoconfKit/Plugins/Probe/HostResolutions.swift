/// The probe's name lookups: every candidate host is resolved once, all at the same time, and each
/// probe waits only for its own host's answer. Names pinned with `--resolve`/`--connect-to` count as
/// resolving (the prober routes them itself).
final class HostResolutions: Sendable {
    enum Resolution: Sendable {
        case addresses([String])
        /// No usable address; the DNS error when there was one.
        case missing(DNSError?)
    }

    private let lookups: [String: Task<Resolution, Never>]

    init(_ hosts: [String], prober: MailProber, context: PluginContext) {
        let dns = context.services[DNSResolverKey.self]
        var lookups: [String: Task<Resolution, Never>] = [:]
        for host in hosts where lookups[host] == nil {
            lookups[host] = Task {
                if prober.overrides.covers(host: host) { return .addresses([]) }
                guard let dns else { return .missing(nil) }
                switch await DNSPluginSupport.query(context, { () async throws(DNSError) in try await dns.addresses(host) }) {
                case .success(let answer):
                    let addresses = answer.records.filter { !$0.isEmpty }
                    return addresses.isEmpty ? .missing(nil) : .addresses(addresses)
                case .failure(let error):
                    return .missing(error)
                }
            }
        }
        self.lookups = lookups
    }

    /// The host's addresses (empty for a pinned name), or nil when it does not resolve. A cancelled
    /// waiter cancels the lookup too: the probe plugin cancels all its probes together.
    func addresses(of host: String) async -> [String]? {
        guard case .addresses(let addresses) = await resolution(of: host) else { return nil }
        return addresses
    }

    /// True when the DNS said the name itself does not exist (NXDOMAIN).
    func domainDoesNotExist(_ host: String) async -> Bool {
        guard case .missing(.nxdomain?) = await resolution(of: host) else { return false }
        return true
    }

    func noneResolves() async -> Bool {
        for host in lookups.keys {
            if case .addresses = await resolution(of: host) { return false }
        }
        return true
    }

    func cancel() {
        for task in lookups.values { task.cancel() }
    }

    private func resolution(of host: String) async -> Resolution {
        guard let task = lookups[host] else { return .missing(nil) }
        return await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
    }
}
