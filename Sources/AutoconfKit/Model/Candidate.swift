/// One configuration a plugin found, with its trust and provenance: what the resolver ranks.
public struct Candidate: Sendable, Hashable, Codable {
    /// The settings, placeholders expanded for the address looked up.
    public var configuration: EmailConfiguration
    /// How far the settings can be trusted, and why not fully.
    public var trust: Trust
    /// Where they came from and how they were reached.
    public var provenance: Provenance
    /// Orders candidates of one plugin among themselves (lower first), e.g. HTTPS before HTTP.
    public var subrank: Int

    /// A candidate; `subrank` orders a plugin's own answers (lower first) within its rank.
    public init(configuration: EmailConfiguration, trust: Trust, provenance: Provenance, subrank: Int = 0) {
        self.configuration = configuration
        self.trust = trust
        self.provenance = provenance
        self.subrank = subrank
    }
}
