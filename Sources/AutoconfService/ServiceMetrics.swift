import CoreMetrics
import Metrics
import Prometheus

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
        Metrics.Counter(label: "autoconf_http_requests_total", dimensions: [("route", route), ("status", String(status))], factory: factory).increment()
    }

    func lookupFinished(duration: Duration, winner: String?) {
        lookupLatency.recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
        Metrics.Counter(label: "autoconf_lookup_winner_total", dimensions: [("plugin", winner ?? "none")], factory: factory).increment()
    }

    func cacheLookup(hit: Bool, tier: String) {
        Metrics.Counter(label: hit ? "autoconf_cache_hits_total" : "autoconf_cache_misses_total", dimensions: hit ? [("tier", tier)] : [], factory: factory).increment()
    }

    func setInFlight(_ count: Int) { inFlight.record(count) }

    func render() -> [UInt8] { registry.emitToBuffer() }
}
