/// What a lookup found: the best candidate, every other candidate as ranked alternatives, and
/// what each plugin did.
public struct LookupResult: Sendable, Codable {
    /// The address looked up.
    public var email: EmailAddress
    /// Ranked, best first. Empty when nothing was found.
    public var candidates: [Candidate]
    /// When a known provider offers no standard protocol (Proton, Tuta): why, and what to do.
    public var unsupported: UnsupportedProvider?
    /// One entry per plugin that was scheduled.
    public var reports: [PluginReport]
    /// Wall time of the lookup, in milliseconds.
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

    /// A result; `Autoconf.lookup` builds them.
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

    /// The answer to use: the best-ranked candidate, or nil when nothing was found.
    public var best: Candidate? { candidates.first }
    /// True when there is a `best` answer.
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
        let dnsAnswered = reports.contains { $0.networkUse == .dnsRecords && ($0.status == .notFound || $0.status == .found) }
        return !reports.contains { report in
            report.status == .notFound && report.networkUse != .none
                && (dnsAnswered || report.networkUse != .hostsByName)
        }
    }

    /// Nothing found, and some source refused DNS answers that failed DNSSEC validation.
    public var dnssecBogus: Bool {
        !found && unsupported == nil && nonexistentDomain == nil && reports.contains { $0.failure?.kind == .dnssecBogus }
    }
}

/// A known provider that offers no standard protocol (Proton, Tuta): who, why and what to do instead.
public struct UnsupportedProvider: Sendable, Hashable, Codable {
    /// The provider's ID in its provider file, if known.
    public var providerID: String?
    /// The provider's name for display.
    public var displayName: String?
    /// What to tell the user (e.g. "use Proton Mail Bridge").
    public var explanation: String
    /// A page with more, if given.
    public var url: String?
    /// The plugin that knew it.
    public var plugin: String
    /// The file or URL it came from.
    public var source: String

    /// An unsupported-provider answer.
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
    /// How the plugin ended: found, nothing (`not-found`), failed, cancelled (a better answer was in), `timed-out` (the deadline), or skipped.
    public enum Status: String, Sendable, Hashable, Codable {
        /// It gave usable configurations.
        case found
        /// Its source answered with nothing for the address.
        case notFound = "not-found"
        /// It failed (see `failure`).
        case failed
        /// The resolver stopped it: a result it could not beat was in.
        case cancelled
        /// The lookup's deadline ended it.
        case timedOut = "timed-out"
        /// It did not run.
        case skipped
    }
    /// The plugin's name.
    public var plugin: String
    /// Its rank in this lookup (0 ranks highest).
    public var rank: Int
    /// How it ended.
    public var status: Status
    /// How many usable configurations it gave.
    public var candidates: Int
    /// Why it failed, when it did.
    public var failure: PluginFailure?
    /// How long it ran, in milliseconds.
    public var elapsedMilliseconds: Double
    /// The plugin's `ProviderPlugin.networkUse`, for `LookupResult.failedOnNetwork`; not part of
    /// the JSON document.
    public var networkUse: NetworkUse = .other

    enum CodingKeys: String, CodingKey { case plugin, rank, status, candidates, failure, elapsedMilliseconds }
}
