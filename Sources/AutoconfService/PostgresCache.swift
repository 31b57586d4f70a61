import Foundation
import Logging
import NIOSSL
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`; without a
/// password in the URL, `PGPASSWORD` from the environment (as libpq): not on the command line.
struct PostgresCacheSettings: Sendable {
    var host: String
    var port: Int
    var username: String
    var password: String?
    var database: String
    var sslmode: String

    static func parse(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> PostgresCacheSettings? {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? ""),
              let host = components.host, !host.isEmpty, let user = components.user, !user.isEmpty
        else { return nil }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { return nil }
        let sslmode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer"
        guard ["disable", "prefer", "require"].contains(sslmode) else { return nil }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { return nil }
        return PostgresCacheSettings(
            host: host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host, port: port,
            username: user.removingPercentEncoding ?? user,
            password: components.password.map { $0.removingPercentEncoding ?? $0 } ?? environment["PGPASSWORD"].flatMap { $0.isEmpty ? nil : $0 },
            database: database, sslmode: sslmode)
    }

    func configuration(connectTimeout: Duration) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch sslmode {
        case "disable": tls = .disable
        case "require": tls = .require(.makeClientConfiguration())
        default: tls = .prefer(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = connectTimeout
        configuration.options.maximumConnections = 8
        // One connection kept open: a cache read does not pay a connect and a login.
        configuration.options.minimumConnections = 1
        return configuration
    }
}

/// The shared cache: one table, `autoconf_cache(key, domain, entry, expires_at)`, created at
/// startup (`CREATE TABLE IF NOT EXISTS`). Every call is bounded by `timeout` — the caller gets
/// its answer then even when the connection ignores the cancellation. A failure (server gone,
/// slow, refused) is a miss or a dropped store, never an error, and marks the database
/// unavailable: lookups skip it from then on (no request waits for a dead server) while
/// `run()` probes it every `retry` and brings it back. `run()` also sweeps expired rows every
/// `sweepInterval`. Entries are read back as untrusted input (`LookupCache.decodeEntry`; rows
/// over `maximumEntryBytes` are not even fetched).
final class PostgresCache: Sendable {
    static let maximumEntryBytes = 256 << 10
    let client: PostgresClient
    let timeout: Duration
    let retry: Duration
    let sweepInterval: Duration
    let logger: Logger
    private struct State {
        /// The table exists and the last call worked.
        var healthy = false
        /// A call failed: lookups skip the database until `run()`'s probe succeeds.
        var failing = false
    }
    private let state = Mutex(State())

    init(settings: PostgresCacheSettings, logger: Logger, timeout: Duration = .milliseconds(500), retry: Duration = .seconds(5), sweepInterval: Duration = .seconds(600)) {
        var clientLogger = logger
        clientLogger.logLevel = .critical
        client = PostgresClient(configuration: settings.configuration(connectTimeout: max(timeout, .seconds(1))), backgroundLogger: clientLogger)
        self.timeout = timeout
        self.retry = retry
        self.sweepInterval = sweepInterval
        self.logger = logger
    }

    /// Run by the service group: the connection pool, and the table, probe and sweep loop. A
    /// graceful shutdown cancels both (the service is first in the group, so it stops last).
    var service: any Service { Runner(cache: self) }

    struct Runner: Service {
        let cache: PostgresCache
        func run() async throws {
            await cancelWhenGracefulShutdown {
                await withDiscardingTaskGroup { group in
                    group.addTask { await cache.client.run() }
                    group.addTask { await cache.maintain() }
                }
            }
        }
    }

    /// Whether the table is there and the last call worked (for /readyz).
    var available: Bool { state.withLock { $0.healthy && !$0.failing } }

    func get(_ key: String) async -> Data? {
        await attempt("read") { client, logger in
            let rows = try await client.query(
                "SELECT entry FROM autoconf_cache WHERE key = \(key) AND expires_at > now() AND octet_length(entry) <= \(Self.maximumEntryBytes)",
                logger: logger)
            var entry: String?
            for try await value in rows.decode(String.self) { entry = value }
            return entry.map { Data($0.utf8) }
        } ?? nil
    }

    func put(_ key: String, domain: String, data: Data, ttl: Duration) async {
        guard data.count <= Self.maximumEntryBytes else { return }
        let entry = String(decoding: data, as: UTF8.self)
        let seconds = Double(ttl.components.seconds)
        _ = await attempt("write") { client, logger in
            let rows = try await client.query(
                """
                INSERT INTO autoconf_cache (key, domain, entry, expires_at) VALUES (\(key), \(domain), \(entry), now() + make_interval(secs => \(seconds)))
                ON CONFLICT (key) DO UPDATE SET entry = EXCLUDED.entry, domain = EXCLUDED.domain, expires_at = EXCLUDED.expires_at
                """, logger: logger)
            for try await _ in rows {}
            return true
        }
    }

    /// `body` within the deadline, or nil (and the database is marked unavailable).
    private func attempt<T: Sendable>(_ what: String, _ body: @escaping @Sendable (PostgresClient, Logger) async throws -> T) async -> T? {
        guard state.withLock({ !$0.failing }) else { return nil }
        let client = client, logger = logger
        do {
            let value = try await withHardDeadline(timeout) { try await body(client, logger) }
            return value
        } catch {
            failed(what, error)
            return nil
        }
    }

    private func failed(_ what: String, _ error: any Error) {
        let first = state.withLock { state in
            defer { state.failing = true; state.healthy = false }
            return !state.failing
        }
        if first {
            logger.warning("postgres cache unavailable; lookups go on without it", metadata: [
                "operation": "\(what)", "reason": "\(String(describing: error).prefix(200))",
            ])
        }
    }

    /// Creates the table (if needed): at startup, and each time the database comes back.
    private func prepareTable() async throws {
        let client = client, logger = logger
        try await withHardDeadline(timeout) {
            let rows = try await client.query(
                """
                CREATE TABLE IF NOT EXISTS autoconf_cache (key text PRIMARY KEY, domain text NOT NULL, entry text NOT NULL, expires_at timestamptz NOT NULL)
                """, logger: logger)
            for try await _ in rows {}
        }
    }

    private func sweep() async throws {
        let client = client, logger = logger
        try await withHardDeadline(timeout) {
            let rows = try await client.query("DELETE FROM autoconf_cache WHERE expires_at <= now()", logger: logger)
            for try await _ in rows {}
        }
    }

    /// The table at startup; then, while the database is unavailable, a probe every `retry`; and a
    /// sweep of expired rows every `sweepInterval`.
    func maintain() async {
        var lastSweep: ContinuousClock.Instant?
        while !Task.isCancelled {
            let healthy = state.withLock { $0.healthy && !$0.failing }
            if !healthy {
                do {
                    try await prepareTable()
                    let recovered = state.withLock { state in
                        defer { state.healthy = true; state.failing = false }
                        return state.failing
                    }
                    if recovered { logger.notice("postgres cache available again") }
                } catch {
                    failed("create table", error)
                }
            }
            if state.withLock({ $0.healthy && !$0.failing }), lastSweep.map({ ContinuousClock.now - $0 >= sweepInterval }) ?? true {
                do {
                    try await sweep()
                    lastSweep = .now
                } catch {
                    failed("sweep", error)
                }
            }
            try? await Task.sleep(for: retry)
        }
    }
}
