/// One configuration a plugin found, with its trust and provenance: what the resolver ranks.
public struct Candidate: Sendable, Hashable, Codable {
    public var configuration: EmailConfiguration
    public var trust: Trust
    public var provenance: Provenance
    /// Orders candidates of one plugin among themselves (lower first), e.g. HTTPS before HTTP.
    public var subrank: Int

    public init(configuration: EmailConfiguration, trust: Trust, provenance: Provenance, subrank: Int = 0) {
        self.configuration = configuration
        self.trust = trust
        self.provenance = provenance
        self.subrank = subrank
    }
}
