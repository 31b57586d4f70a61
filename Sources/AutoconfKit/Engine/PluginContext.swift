/// Per-plugin view of a running lookup: the deadline, shared services and a trace channel.
public struct PluginContext: Sendable {
    public let pluginName: String
    /// The lookup's overall deadline; plugins must not outlive it.
    public let deadline: ContinuousClock.Instant
    public let startedAt: ContinuousClock.Instant
    public let services: LookupServices
    private let observer: TraceObserver?

    init(pluginName: String, deadline: ContinuousClock.Instant, startedAt: ContinuousClock.Instant, services: LookupServices, observer: TraceObserver?) {
        self.pluginName = pluginName
        self.deadline = deadline
        self.startedAt = startedAt
        self.services = services
        self.observer = observer
    }

    /// Time left before the deadline (zero when passed).
    public var remaining: Duration { max(.zero, deadline - ContinuousClock.now) }

    public var elapsedMilliseconds: Double { (ContinuousClock.now - startedAt).milliseconds }

    public func trace(_ kind: TraceEvent.Kind) {
        observer?(TraceEvent(plugin: pluginName, kind: kind, atMilliseconds: elapsedMilliseconds))
    }

    /// A provenance record for this plugin, with the elapsed time filled in.
    public func provenance(
        source: String, channel: Provenance.Channel, redirects: [String] = [], registrableDomains: [String] = [],
        tlsVerified: Bool? = nil, dnssecAuthenticated: Bool? = nil, askedWithAddress: Bool = false
    ) -> Provenance {
        Provenance(
            plugin: pluginName, source: source, channel: channel, redirects: redirects, registrableDomains: registrableDomains,
            tlsVerified: tlsVerified, dnssecAuthenticated: dnssecAuthenticated, askedWithAddress: askedWithAddress,
            elapsedMilliseconds: elapsedMilliseconds)
    }
}

extension Duration {
    public var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
