import AutoconfKit
import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// What the routes share: the base `Autoconf` (one HTTP client, DNS channel and prober for every
/// request), the cache, the limits and the metrics.
final class LookupService: Sendable {
    let configuration: ServiceConfiguration
    let base: Autoconf
    let cache: ServiceCache
    let gate: ConcurrencyGate
    let rateLimiter: RateLimiter
    let metrics: ServiceMetrics
    let logger: Logger
    let trustedProxies: Set<String>
    let fingerprints: FingerprintMemo
    private let shuttingDown = Mutex(false)

    init(configuration: ServiceConfiguration, logger: Logger, shared: PostgresCache?) {
        self.configuration = configuration
        self.logger = logger
        let metrics = ServiceMetrics()
        self.metrics = metrics
        cache = ServiceCache(memoryBytes: configuration.cacheMemoryBytes, ttl: configuration.cacheTTL, shared: shared, metrics: metrics)
        var options = configuration.options
        options.cacheStore = configuration.cacheMemoryBytes > 0 || shared != nil ? cache : nil
        options.cache = options.cacheStore == nil ? .off : .use
        options.cacheTTL = configuration.cacheTTL
        base = Autoconf(options: options)
        gate = ConcurrencyGate(limit: configuration.maxConcurrentLookups, onChange: { metrics.setInFlight($0) })
        rateLimiter = RateLimiter(rate: configuration.ratePerSecond, burst: configuration.rateBurst)
        trustedProxies = Set(configuration.trustedProxies)
        fingerprints = FingerprintMemo()
    }

    var tls: Bool { configuration.tlsCertificate != nil }
    var isShuttingDown: Bool { shuttingDown.withLock { $0 } }
    func beginShutdown() { shuttingDown.withLock { $0 = true } }

    /// A concurrency slot, or 503.
    func slot() throws(APIError) -> ConcurrencyGate.Slot {
        guard let slot = gate.enter() else {
            throw APIError(.serviceUnavailable, "the server is at its limit of \(gate.limit) concurrent lookups; retry shortly", retryAfter: 1)
        }
        return slot
    }

    func prepare(_ parameters: LookupParameters) throws(APIError) -> (Autoconf, EmailAddress) {
        let checked = try check(parameters)
        return (try parameters.autoconf(base: base, checked: checked), checked.email)
    }

    func check(_ parameters: LookupParameters) throws(APIError) -> LookupParameters.Checked {
        try parameters.checked(defaultTimeout: configuration.defaultTimeout, maxTimeout: configuration.maxTimeout)
    }

    /// The answer as the CLI's JSON: from a cached answer's rendering when there is one for these
    /// options and this address (no lookup, no slot: nothing waits), else by a lookup.
    func lookupBody(_ parameters: LookupParameters) async throws -> String {
        let checked = try check(parameters)
        if let body = cachedBody(parameters, checked) { return body }
        return LookupJSON.encode(try await lookup(parameters, checked), pretty: false)
    }

    /// The rendered cached answer, when the fields ask for what the cache holds as stored.
    private func cachedBody(_ parameters: LookupParameters, _ checked: LookupParameters.Checked) -> String? {
        guard parameters.answersFromStoredEntry(checked), base.options.cache == .use, base.options.cacheStore != nil else { return nil }
        var options = base.options
        parameters.apply(checked, to: &options)
        // Offline lookups answer from provider files and never use the cache.
        guard !options.offline else { return nil }
        let start = ContinuousClock.now
        guard let (body, winner) = cache.cachedBody(for: checked.email, fingerprint: fingerprints.fingerprint(of: options)) else { return nil }
        metrics.lookupFinished(duration: ContinuousClock.now - start, winner: winner)
        return body
    }

    /// One lookup, holding a slot for its duration.
    private func lookup(_ parameters: LookupParameters, _ checked: LookupParameters.Checked) async throws -> LookupResult {
        let autoconf = try parameters.autoconf(base: base, checked: checked)
        let email = checked.email
        let slot = try slot()
        defer { withExtendedLifetime(slot) {} }
        let start = ContinuousClock.now
        let result: LookupResult
        do { result = try await autoconf.lookup(email) } catch { throw APIError(.badRequest, error.description) }
        metrics.lookupFinished(duration: ContinuousClock.now - start, winner: result.best?.provenance.plugin)
        logger.debug("lookup", metadata: ["email": "\(email.address)", "found": "\(result.found)"])
        return result
    }

    /// A body of at most `maxBodyBytes`, read within `readTimeout`: else 413 or 408.
    func body(of request: Request) async throws -> ByteBuffer {
        let limit = configuration.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw APIError(.contentTooLarge, "the request body is larger than \(limit) bytes")
        }
        let body = request.body
        do {
            return try await withDeadline(configuration.readTimeout) {
                let body = body
                var buffer = ByteBuffer()
                for try await chunk in body {
                    guard buffer.readableBytes + chunk.readableBytes <= limit else {
                        throw APIError(.contentTooLarge, "the request body is larger than \(limit) bytes")
                    }
                    var chunk = chunk
                    buffer.writeBuffer(&chunk)
                }
                return buffer
            }
        } catch is DeadlineExceeded {
            throw APIError(.requestTimeout, "the request body did not arrive within \(configuration.readTimeout.components.seconds) s")
        }
    }

    /// The fields of a POST: a JSON object (Content-Type application/json or none).
    func jsonBody(of request: Request) async throws -> ByteBuffer {
        if let type = request.headers[.contentType]?.lowercased(), !type.hasPrefix("application/json") {
            throw APIError(.unsupportedMediaType, "send the fields as a JSON object (Content-Type: application/json)")
        }
        return try await body(of: request)
    }
}
