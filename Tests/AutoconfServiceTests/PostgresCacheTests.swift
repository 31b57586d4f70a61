import Glibc
import AutoconfKit
@testable import AutoconfService
import AutoconfTestSupport
import Foundation
import Testing

/// A PostgreSQL server of its own for one test: initdb in a temporary directory, on a free port
/// of 127.0.0.1, run as the `postgres` user when the tests run as root (initdb refuses root).
final class TestPostgres: @unchecked Sendable {
    let directory: URL
    let port: Int
    let binaries: String
    let runAs: String?
    var url: String { "postgres://autoconf@127.0.0.1:\(port)/postgres?sslmode=disable" }

    static func binaryDirectory() -> String? {
        for directory in ["/usr/lib/postgresql/15/bin", "/usr/local/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"]
        where FileManager.default.isExecutableFile(atPath: directory + "/initdb") && FileManager.default.isExecutableFile(atPath: directory + "/pg_ctl") {
            return directory
        }
        return nil
    }

    init() async throws {
        guard let binaries = Self.binaryDirectory() else { throw TestPostgresError.missing("initdb/pg_ctl not found (Debian postgresql-15)") }
        self.binaries = binaries
        directory = URL(fileURLWithPath: "/tmp/autoconf-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        runAs = getuid() == 0 ? "postgres" : nil
        if runAs != nil { _ = try await runCommandAsync("/bin/chown", ["postgres", directory.path]) }
        port = try Self.freePort()
        let initdb = try await run("\(binaries)/initdb", ["-D", directory.path + "/data", "-U", "autoconf", "--auth=trust", "-E", "UTF8", "--no-sync"])
        guard initdb.status == 0 else { throw TestPostgresError.failed("initdb: \(initdb.stderr.suffix(400))") }
        try await start()
    }

    func run(_ command: String, _ arguments: [String]) async throws -> CommandResult {
        if let user = runAs { return try await runCommandAsync("/usr/sbin/runuser", ["-u", user, "--", command] + arguments, timeout: 60) }
        return try await runCommandAsync(command, arguments, timeout: 60)
    }

    func start() async throws {
        let options = "-p \(port) -k \(directory.path) -c listen_addresses=127.0.0.1 -c fsync=off"
        let started = try await run("\(binaries)/pg_ctl", ["-D", directory.path + "/data", "-o", options, "-l", directory.path + "/log", "-w", "-t", "30", "start"])
        guard started.status == 0 else { throw TestPostgresError.failed("pg_ctl start: \(started.stderr.suffix(400))") }
    }

    func stop() async {
        _ = try? await run("\(binaries)/pg_ctl", ["-D", directory.path + "/data", "-m", "immediate", "-w", "stop"])
    }

    deinit {
        let binaries = binaries, directory = directory, runAs = runAs
        var arguments = ["\(binaries)/pg_ctl", "-D", directory.path + "/data", "-m", "immediate", "-w", "stop"]
        if let runAs { arguments = ["/usr/sbin/runuser", "-u", runAs, "--"] + arguments }
        _ = try? runCommand(arguments[0], Array(arguments.dropFirst()), timeout: 30)
        try? FileManager.default.removeItem(at: directory)
    }

    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
        guard bound == 0 else { throw TestPostgresError.failed("no free port") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

enum TestPostgresError: Error { case missing(String), failed(String) }

@Suite(.serialized, .enabled(if: PostgresCacheSettings.supported, "autoconf-serve built without postgres-nio")) struct PostgresCacheTests {
    @Test func aLookupOnInstanceAIsACacheHitOnInstanceBAndADeadDatabaseIsNoError() async throws {
        let postgres = try await TestPostgres()
        let http = try await HTTPTestServer.start(routes: [.answer("ispdb.test", "/v1.1/example.test", body: ispdbConfig())])
        let shared: (inout ServiceConfiguration) -> Void = { $0.postgresURL = postgres.url; $0.cacheMemoryBytes = 1 << 20 }
        let a = try await RunningService(serviceConfiguration(http.options(plugins: ["ispdb"]), change: shared))
        let b = try await RunningService(serviceConfiguration(http.options(plugins: ["ispdb"]), change: shared))
        defer { Task { await a.stop(); await b.stop() } }
        let first = try await curl("\(a.base)/v1/lookup?email=alice%40example.test")
        #expect(first.status == 200 && first.json?["found"] as? Bool == true, "\(first.body)")
        let second = try await curl("\(b.base)/v1/lookup?email=bob%40example.test")
        #expect(second.status == 200)
        #expect(http.requests().filter { $0.host == "ispdb.test" }.count == 1)
        #expect((second.json?["incoming"] as? [String: Any])?["username"] as? String == "bob@example.test")
        #expect((second.json?["provenance"] as? [String: Any])?["channel"] as? String == "cache")
        #expect(String(describing: second.json?["trust"]) == String(describing: first.json?["trust"]))
        #expect(try await curl("\(b.base)/readyz").json?["cache"] as? String == "postgres")
        let metrics = try await curl("\(b.base)/metrics")
        #expect(metrics.body.contains(#"autoconf_cache_hits_total{tier="postgres"} 1"#))

        // The database goes away: lookups still answer 200, without the cache.
        await postgres.stop()
        let started = ContinuousClock.now
        let without = try await curl("\(b.base)/v1/lookup?email=carol%40example.test&refresh=1")
        #expect(without.status == 200 && without.json?["found"] as? Bool == true)
        let other = try await curl("\(a.base)/v1/lookup?email=dave%40other.test&plugins=bundled")
        #expect(other.status == 200)
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(try await curl("\(b.base)/readyz").json?["cache"] as? String == "postgres-unavailable")
    }

    @Test func aRowThatFailsValidationIsAMiss() async throws {
        let postgres = try await TestPostgres()
        let http = try await HTTPTestServer.start(routes: [.answer("ispdb.test", "/v1.1/example.test", body: ispdbConfig())])
        let service = try await RunningService(serviceConfiguration(http.options(plugins: ["ispdb"])) { $0.postgresURL = postgres.url; $0.cacheMemoryBytes = 0 })
        defer { Task { await service.stop() } }
        _ = try await curl("\(service.base)/v1/lookup?email=alice%40example.test")
        let psql = try await postgres.run("\(postgres.binaries)/psql", ["-h", "127.0.0.1", "-p", String(postgres.port), "-U", "autoconf", "-d", "postgres", "-c",
                                                                    "UPDATE autoconf_cache SET entry = replace(entry, 'imap.example.test', 'bad host!')"])
        #expect(psql.status == 0, "\(psql.stderr)")
        let again = try await curl("\(service.base)/v1/lookup?email=bob%40example.test")
        #expect(again.status == 200)
        #expect((again.json?["incoming"] as? [String: Any])?["host"] as? String == "imap.example.test")
        #expect((again.json?["provenance"] as? [String: Any])?["channel"] as? String != "cache")
    }
}
