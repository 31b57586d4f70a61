#if canImport(PostgresNIO)
import Foundation
import Logging
import NIOSSL
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`.
struct PostgresCacheSettings: Sendable {
    static let supported = true
    var host: String
    var port: Int
    var username: String
    var password: String?
    var database: String
    var sslmode: String

    static func parse(_ text: String) -> PostgresCacheSettings? {
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
            username: user.removingPercentEncoding ?? user, password: components.password.map { $0.removingPercentEncoding ?? $0 },
            database: database, sslmode: sslmode)
    }

    var configuration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch sslmode {
        case "disable": tls = .disable
        case "require": tls = .require(.makeClientConfiguration())
        default: tls = .prefer(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(2)
        configuration.options.maximumConnections = 8
        return configuration
    }
}

/// The shared cache: one table, `autoconf_cache(key, domain, entry, expires_at)`, made on first
/// use. Every call is bounded by `timeout`; a failure (server gone, slow, refused) is a miss or a
/// dropped store — never an error — and the cache is skipped for `backoff` so lookups do not each
/// wait for a dead server. The entry bytes are read back as untrusted input (`decodeEntry`).
final class PostgresCache: Sendable {
    let client: PostgresClient
    let timeout: Duration
    let backoff: Duration
    let logger: Logger
    private let state = Mutex<(tableReady: Bool, skipUntil: ContinuousClock.Instant?, puts: Int)>((false, nil, 0))

    init(settings: PostgresCacheSettings, logger: Logger, timeout: Duration = .milliseconds(500), backoff: Duration = .seconds(5)) {
        var clientLogger = logger
        clientLogger.logLevel = .critical
        client = PostgresClient(configuration: settings.configuration, backgroundLogger: clientLogger)
        self.timeout = timeout
        self.backoff = backoff
        self.logger = logger
    }

    /// Run by the service group: the connection pool.
    var service: any Service { client }

    /// Whether the last call worked (for /readyz).
    var available: Bool {
        state.withLock { state in state.skipUntil.map { ContinuousClock.now >= $0 } ?? true }
    }

    func get(_ key: String) async -> Data? {
        await attempt("read") { client in
            let rows = try await client.query("SELECT entry FROM autoconf_cache WHERE key = \(key) AND expires_at > now()", logger: self.logger)
            for try await entry in rows.decode(String.self) { return Data(entry.utf8) }
            return nil
        } ?? nil
    }

    func put(_ key: String, domain: String, data: Data, ttl: Duration) async {
        let entry = String(decoding: data, as: UTF8.self)
        let expires = Date().timeIntervalSince1970 + Double(ttl.components.seconds)
        let sweep = state.withLock { state in
            state.puts += 1
            return state.puts % 100 == 1
        }
        _ = await attempt("write") { client in
            try await client.query(
                """
                INSERT INTO autoconf_cache (key, domain, entry, expires_at) VALUES (\(key), \(domain), \(entry), to_timestamp(\(expires)))
                ON CONFLICT (key) DO UPDATE SET entry = EXCLUDED.entry, domain = EXCLUDED.domain, expires_at = EXCLUDED.expires_at
                """, logger: self.logger)
            if sweep { try await client.query("DELETE FROM autoconf_cache WHERE expires_at < now()", logger: self.logger) }
            return true
        }
    }

    private func attempt<T: Sendable>(_ what: String, _ body: @escaping @Sendable (PostgresClient) async throws -> T) async -> T? {
        let skip = state.withLock { state in state.skipUntil.map { ContinuousClock.now < $0 } ?? false }
        if skip { return nil }
        let client = self.client
        let needsTable = state.withLock { !$0.tableReady }
        do {
            let value = try await withDeadline(timeout) {
                if needsTable {
                    try await client.query(
                        """
                        CREATE TABLE IF NOT EXISTS autoconf_cache (key text PRIMARY KEY, domain text NOT NULL, entry text NOT NULL, expires_at timestamptz NOT NULL)
                        """, logger: self.logger)
                }
                return try await body(client)
            }
            state.withLock { state in
                state.tableReady = true
                state.skipUntil = nil
            }
            return value
        } catch {
            let backoff = self.backoff
            let first = state.withLock { state in
                let first = state.skipUntil == nil
                state.skipUntil = ContinuousClock.now.advanced(by: backoff)
                state.tableReady = false
                return first
            }
            if first { logger.warning("postgres cache unavailable; lookups go on without it", metadata: ["operation": "\(what)", "reason": "\(String(describing: error).prefix(200))"]) }
            return nil
        }
    }
}

#else
import Foundation
import Logging
import ServiceLifecycle

/// This build has no PostgreSQL client: `--cache postgres://…` is refused as bad input.
struct PostgresCacheSettings: Sendable {
    static let supported = false
    static func parse(_ text: String) -> PostgresCacheSettings? { nil }
}

final class PostgresCache: Sendable {
    init(settings: PostgresCacheSettings, logger: Logger) {}
    var service: any Service { Idle() }
    struct Idle: Service { func run() async throws { try? await gracefulShutdown() } }
    var available: Bool { false }
    func get(_ key: String) async -> Data? { nil }
    func put(_ key: String, domain: String, data: Data, ttl: Duration) async {}
}
#endif

struct DeadlineExceeded: Error {}

/// `body`'s value, or `DeadlineExceeded` after `limit` (body is cancelled then).
func withDeadline<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw DeadlineExceeded()
        }
        defer { group.cancelAll() }
        guard let value = try await group.next() else { throw DeadlineExceeded() }
        return value
    }
}
