/// Per-plugin view of a running lookup: the deadline, shared services and a trace channel.
public struct PluginContext: Sendable {
    /// The plugin this context belongs to: provenance and trace events carry its name.
    public let pluginName: String
    /// The lookup's overall deadline; plugins must not outlive it.
    public let deadline: ContinuousClock.Instant
    /// When the lookup started (trace times count from here).
    public let startedAt: ContinuousClock.Instant
    /// The shared services (HTTP client, DNS resolver, prober), by key.
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

    /// Milliseconds since the lookup started.
    public var elapsedMilliseconds: Double { (ContinuousClock.now - startedAt).milliseconds }

    /// Reports progress to the lookup's observer (shown with `-v`), stamped with the plugin and the time.
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
    package var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
