/// Where a result came from and how it was reached, so a front end (and a human) can judge it.
public struct Provenance: Sendable, Hashable, Codable {
    /// How the source was reached.
    public enum Channel: String, Sendable, Hashable, Codable {
        /// `bundled` and `user-file` provider files, `https`/`http` documents, `dns` records, a `probe`, settings given by hand (`manual`) or the lookup cache (`cache`).
        case bundled, userFile = "user-file", https, http, dns, probe, manual, cache
    }

    /// The plugin that produced the result.
    public var plugin: String
    /// File path, URL or DNS record the settings were read from.
    public var source: String
    /// How the source was reached.
    public var channel: Channel
    /// Every hop taken before the source answered (HTTP redirects, Autodiscover referrals).
    public var redirects: [String]
    /// Registrable domains involved: the email domain's, each hop's, the servers'.
    public var registrableDomains: [String]
    /// Whether the channel was TLS with a validated certificate (nil: not applicable).
    public var tlsVerified: Bool?
    /// Whether the DNS answers used were DNSSEC-authenticated (nil: no DNS involved).
    public var dnssecAuthenticated: Bool?
    /// The source's request carried the email address (autoconfig's `?emailaddress=`, Autodiscover,
    /// Autodiscover v2): its server may answer per user, so the answer is never shared with another
    /// address (`AddressTemplating.independent`). Each source sets it for what it sends.
    public var askedWithAddress: Bool
    /// Wall time the plugin took, in milliseconds.
    public var elapsedMilliseconds: Double

    /// A provenance record; plugins use `PluginContext.provenance(source:channel:…)`, which fills in the plugin and the time.
    public init(
        plugin: String, source: String, channel: Channel, redirects: [String] = [], registrableDomains: [String] = [],
        tlsVerified: Bool? = nil, dnssecAuthenticated: Bool? = nil, askedWithAddress: Bool = false, elapsedMilliseconds: Double = 0
    ) {
        self.plugin = plugin
        self.source = source
        self.channel = channel
        self.redirects = redirects
        self.registrableDomains = registrableDomains
        self.tlsVerified = tlsVerified
        self.dnssecAuthenticated = dnssecAuthenticated
        self.askedWithAddress = askedWithAddress
        self.elapsedMilliseconds = elapsedMilliseconds
    }
}
