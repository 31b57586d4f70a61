/// What a lookup found: the best candidate, every other candidate as ranked alternatives, and
/// what each plugin did.
public struct LookupResult: Sendable, Codable {
    public var email: EmailAddress
    /// Ranked, best first. Empty when nothing was found.
    public var candidates: [Candidate]
    /// When a known provider offers no standard protocol (Proton, Tuta): why, and what to do.
    public var unsupported: UnsupportedProvider?
    /// One entry per plugin that was scheduled.
    public var reports: [PluginReport]
    public var elapsedMilliseconds: Double
    /// True when the overall deadline ended the lookup before every plugin had finished.
    public var deadlineReached: Bool
    /// Set when a source established that the email domain does not exist (DNS NXDOMAIN): the
    /// reason, e.g. "nope.test does not exist (DNS NXDOMAIN)". A front end shows it as "check the
    /// spelling of the address" rather than "enter the settings by hand".
    public var nonexistentDomain: String?
    /// Set when better-ranked sources were still running when the lookup's patience ran out: who
    /// they were, and that the answer shown is the best that came in time.
    public var patienceNote: String?

    public init(
        email: EmailAddress, candidates: [Candidate], unsupported: UnsupportedProvider? = nil, reports: [PluginReport],
        elapsedMilliseconds: Double, deadlineReached: Bool
    ) {
        self.email = email
        self.candidates = candidates
        self.unsupported = unsupported
        self.reports = reports
        self.elapsedMilliseconds = elapsedMilliseconds
        self.deadlineReached = deadlineReached
    }

    public var best: Candidate? { candidates.first }
    public var found: Bool { best != nil }

    /// One line for a lookup that found nothing: why.
    public var notFoundMessage: String {
        if let nonexistentDomain { return "no configuration found: \(nonexistentDomain)" }
        if dnssecBogus { return "no configuration found: DNS answers failed DNSSEC validation (bogus: forged or tampered; run with -v)" }
        return failedOnNetwork ? "no configuration found: the network was unreachable (every source failed to connect or resolve; run with -v)" : "no configuration found"
    }

    /// True when no plugin answered and at least one failed for network reasons (rather than
    /// establishing that nothing exists): a source that could not be reached is not a "no".
    /// A "no" from a source that needs no network (provider files) says nothing about the
    /// network; neither does the "no" of an HTTP or probing source (a host that "does not
    /// resolve") when no DNS source got an answer (the DNS servers could not be reached).
    public var failedOnNetwork: Bool {
        // A refused (bogus) DNS answer is no "no" either: someone is in the way.
        if dnssecBogus { return true }
        guard !found, unsupported == nil, nonexistentDomain == nil,
              reports.contains(where: { ($0.status == .failed || $0.status == .timedOut) && $0.failure?.isNetwork == true })
        else { return false }
        let dnsAnswered = reports.contains { Self.dnsPlugins.contains($0.plugin) && ($0.status == .notFound || $0.status == .found) }
        return !reports.contains { report in
            report.status == .notFound && !Self.offlinePlugins.contains(report.plugin)
                && (dnsAnswered || !Self.resolutionDependentPlugins.contains(report.plugin))
        }
    }

    /// Nothing found, and some source refused DNS answers that failed DNSSEC validation.
    public var dnssecBogus: Bool {
        !found && unsupported == nil && nonexistentDomain == nil && reports.contains { $0.failure?.kind == .dnssecBogus }
    }

    /// Sources that answer without the network.
    static let offlinePlugins: Set<String> = ["bundled", "user-files"]
    /// Sources that only ask the DNS (their "no" proves the DNS servers answered).
    static let dnsPlugins: Set<String> = ["mx", "srv", "gmail", "autodiscover"]
    /// Sources whose "no" may just be "the name did not resolve".
    static let resolutionDependentPlugins: Set<String> = ["autoconfig", "ispdb", "office365", "probe"]
}

public struct UnsupportedProvider: Sendable, Hashable, Codable {
    public var providerID: String?
    public var displayName: String?
    public var explanation: String
    public var url: String?
    public var plugin: String
    public var source: String

    public init(providerID: String?, displayName: String?, explanation: String, url: String?, plugin: String, source: String) {
        self.providerID = providerID
        self.displayName = displayName
        self.explanation = explanation
        self.url = url
        self.plugin = plugin
        self.source = source
    }
}

/// What one plugin did during a lookup.
public struct PluginReport: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable { case found, notFound = "not-found", failed, cancelled, timedOut = "timed-out", skipped }
    public var plugin: String
    public var rank: Int
    public var status: Status
    public var candidates: Int
    public var failure: PluginFailure?
    public var elapsedMilliseconds: Double
}
