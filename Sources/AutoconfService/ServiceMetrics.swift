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
        Self.counter(in: requestCounters, for: RouteStatus(route: route, status: status)) {
            Metrics.Counter(label: "autoconf_http_requests_total", dimensions: [("route", route), ("status", String(status))], factory: factory)
        }.increment()
    }

    func lookupFinished(duration: Duration, winner: String?) {
        lookupLatency.recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
        let plugin = winner ?? "none"
        Self.counter(in: winnerCounters, for: plugin) {
            Metrics.Counter(label: "autoconf_lookup_winner_total", dimensions: [("plugin", plugin)], factory: factory)
        }.increment()
    }

    func cacheLookup(hit: Bool, tier: String) {
        Self.counter(in: cacheCounters, for: hit ? tier : "") {
            Metrics.Counter(label: hit ? "autoconf_cache_hits_total" : "autoconf_cache_misses_total", dimensions: hit ? [("tier", tier)] : [], factory: factory)
        }.increment()
    }

    // Counters made once per label set: making one per increment (a registry lookup and an
    // allocation) was a visible share of a cached hit. The sets are few (routes × statuses,
    // plugins, cache tiers), so the tables stay small.
    private struct RouteStatus: Hashable {
        var route: String
        var status: Int
    }
    private let requestCounters = Mutex<[RouteStatus: Metrics.Counter]>([:])
    private let winnerCounters = Mutex<[String: Metrics.Counter]>([:])
    /// By tier; "" is the miss counter.
    private let cacheCounters = Mutex<[String: Metrics.Counter]>([:])

    private static func counter<Key: Hashable & Sendable>(in table: borrowing Mutex<[Key: Metrics.Counter]>, for key: Key, make: () -> Metrics.Counter) -> Metrics.Counter {
        if let known = table.withLock({ $0[key] }) { return known }
        let made = make()
        table.withLock { $0[key] = made }
        return made
    }

    func setInFlight(_ count: Int) { inFlight.record(count) }

    func render() -> [UInt8] { registry.emitToBuffer() }
}
