import CoreMetrics
import Metrics
import Prometheus
import Synchronization

/// The service's metrics: swift-metrics instruments made by a Prometheus factory of its own (no
/// global bootstrap, so several applications in one process — the tests — keep theirs apart),
/// exposed at `GET /metrics`.
final class ServiceMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    private let inFlight: Metrics.Gauge
    private let lookupLatency: Metrics.Timer

    init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [
            "autoconf_lookup_duration_seconds": [
                .microseconds(500), .milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250),
                .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30),
            ]
        ]
        self.factory = factory
        inFlight = Metrics.Gauge(label: "autoconf_lookups_in_flight", factory: factory)
        lookupLatency = Metrics.Timer(label: "autoconf_lookup_duration_seconds", preferredDisplayUnit: .seconds, factory: factory)
    }

    func request(route: String, status: Int) {
        counter("autoconf_http_requests_total", [("route", route), ("status", String(status))]).increment()
    }

    func lookupFinished(duration: Duration, winner: String?) {
        lookupLatency.recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
        counter("autoconf_lookup_winner_total", [("plugin", winner ?? "none")]).increment()
    }

    func cacheLookup(hit: Bool, tier: String) {
        counter(hit ? "autoconf_cache_hits_total" : "autoconf_cache_misses_total", hit ? [("tier", tier)] : []).increment()
    }

    /// Counters by label and dimensions, made once: making one per increment (a registry lookup
    /// and an allocation) was a visible share of a cached hit. The label sets are few (routes,
    /// statuses, plugins, tiers), so the table stays small.
    private let counters = Mutex<[String: Metrics.Counter]>([:])

    private func counter(_ label: String, _ dimensions: [(String, String)]) -> Metrics.Counter {
        let key = ([label] + dimensions.map { "\($0.0)=\($0.1)" }).joined(separator: "\u{1}")
        if let known = counters.withLock({ $0[key] }) { return known }
        let made = Metrics.Counter(label: label, dimensions: dimensions, factory: factory)
        counters.withLock { $0[key] = made }
        return made
    }

    func setInFlight(_ count: Int) { inFlight.record(count) }

    func render() -> [UInt8] { registry.emitToBuffer() }
}
