/// The discovery contract. A plugin receives the query and the shared services, and returns the
/// configurations it found (as ranked candidates) or says why it found none. The resolver knows no
/// plugin by name: built-in sources and an embedding tool's own plugins use this same protocol.
///
/// ```swift
/// struct CompanyDirectoryPlugin: ProviderPlugin {
///     let name = "company-directory"
///     let summary = "Our staff domains"
///     func lookup(_ query: LookupQuery, context: PluginContext) async throws -> PluginOutcome {
///         guard query.email.domain == "example.com" else { return .notFound("not a staff domain") }
///         return .found([Candidate(configuration: ..., trust: .trusted,
///                                  provenance: context.provenance(source: "directory", channel: .bundled))])
///     }
/// }
/// ```
public protocol ProviderPlugin: Sendable {
    /// Stable identifier used by `--plugins` and in provenance (lowercase, dashes).
    var name: String { get }
    /// One line for `--help` and `autoconf plugins`.
    var summary: String { get }
    /// The best trust this plugin can ever produce. The resolver stops waiting for a plugin once a
    /// result it cannot beat is in, so a plugin that can only produce `confirm` results (plain HTTP,
    /// guesses) should say so.
    var bestPossibleTrust: Trust.Level { get }
    /// True for plugins that need the network; `--offline` skips them.
    var needsNetwork: Bool { get }
    /// True for plugins that answer from memory at once (provider files). The resolver runs them
    /// inline before starting anything else, so a lookup they answer starts no task, no timer and
    /// no network request. A plugin that may wait on anything must leave this false.
    var answersInstantly: Bool { get }
    /// Who stands behind the plugin's answers. Neighbouring plugins (in rank order) of one class
    /// are equally authoritative: the resolver does not hold one's answer back to wait for the
    /// other (the better-ranked one still wins when both are in). nil (the default): a class of
    /// its own, waited for by every plugin ranked below it.
    var authority: AuthorityClass? { get }
    /// How the plugin reaches its answer, which decides what its "not found" says about the
    /// network when nothing was found (`LookupResult.failedOnNetwork`). The default:
    /// `.none` when `needsNetwork` is false, otherwise `.other`.
    var networkUse: NetworkUse { get }

    /// Looks up settings. Throw `PluginFailure` for a failure worth reporting; honour cancellation
    /// (`Task.checkCancellation()`, or cancellable I/O) and `context.deadline`.
    func lookup(_ query: LookupQuery, context: PluginContext) async throws -> PluginOutcome
}

extension ProviderPlugin {
    /// By default a plugin may produce trusted answers.
    public var bestPossibleTrust: Trust.Level { .trusted }
    /// By default a plugin needs the network.
    public var needsNetwork: Bool { true }
    /// By default a plugin runs as a task of its own.
    public var answersInstantly: Bool { false }
    /// By default a plugin is an authority class of its own.
    public var authority: AuthorityClass? { nil }
    /// By default `.none` for plugins that need no network, else `.other`.
    public var networkUse: NetworkUse { needsNetwork ? .other : .none }
}

/// What a plugin's "not found" proves about the network. Each plugin declares it and each report
/// carries it, so telling "nothing exists" from "the network was unreachable" names no plugin.
public enum NetworkUse: String, Sendable, Hashable, Codable {
    /// Needs no network (provider files): its "no" says nothing about the network.
    case none
    /// Starts from DNS records (MX, SRV): its answer, a "no" included, shows the DNS servers
    /// answered.
    case dnsRecords = "dns-records"
    /// Connects to hosts by name (HTTPS sources, probing): its "no" may only mean that a name did
    /// not resolve, which the DNS being unreachable also gives.
    case hostsByName = "hosts-by-name"
    /// Anything else: its "no" is taken as an answer.
    case other
}

/// The authority classes of the built-in plugins, in their rank order.
public enum AuthorityClass: String, Sendable, Hashable, Codable {
    /// The user's and the bundled provider files.
    case providerFiles = "provider-files"
    /// The email domain's own HTTPS servers (autoconfig.D and D/.well-known).
    case domain
    /// Thunderbird's central ISPDB.
    case ispdb
    /// Derived from the domain's DNS: MX (Gmail, Office365, MX), Autodiscover (reached through
    /// the domain's names, redirects and SRV), SRV.
    case dns
    /// Guessed hostnames (probing).
    case guessed
}

/// What a plugin answers.
public enum PluginOutcome: Sendable {
    /// One or more configurations, best first.
    case found([Candidate])
    /// The source answered and has nothing for this address (the reason is shown with `-v`).
    case notFound(String)
    /// The provider is known and offers no standard protocol; the explanation is shown to the user.
    case unsupported(UnsupportedProvider)
    /// The email domain itself does not exist (the DNS answered NXDOMAIN for it). A domain that
    /// does not exist receives no mail, so no other source can make the address work: the
    /// resolver ends the lookup at once instead of waiting for slower sources (an ISPDB 404, an
    /// autoconfig host that never answers) to say the same. Candidates already found are kept.
    case domainDoesNotExist(String)
}

/// A typed failure: what went wrong, in one line a user can act on.
public struct PluginFailure: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// What kind of failure; decides whether a lookup that found nothing counts as a network failure (exit 3).
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Could not reach the source (DNS, connect, TLS, HTTP status).
        case network
        /// The source answered with something unusable (malformed, oversized, hostile).
        case invalidData = "invalid-data"
        /// The plugin's own timeout or the lookup deadline ended it.
        case timeout
        /// The plugin is misconfigured (missing service, bad option).
        case configuration
        /// DNS answers failed DNSSEC validation (forged, stripped or tampered): refused, and not a "no".
        case dnssecBogus = "dnssec-bogus"
        /// Anything else.
        case other
    }

    /// What kind of failure.
    public var kind: Kind
    /// The one line shown with `-v` and in the JSON report.
    public var message: String

    /// A failure of `kind`, described by `message`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The source could not be reached (network or timeout): no "no".
    public var isNetwork: Bool { kind == .network || kind == .timeout }
    /// The message.
    public var description: String { message }
}
