import Glibc
import AutoconfKit
@testable import AutoconfService
import AutoconfTestSupport
import Foundation
import Testing

/// A PostgreSQL server of its own for one test: initdb in a temporary directory, trust auth, on
/// a free port of 127.0.0.1 only. initdb refuses to run as root: as root the server runs as the
/// `postgres` user (made by Debian's postgresql-15, scripts/system-packages) or else `nobody`.
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
        guard let binaries = Self.binaryDirectory() else { throw TestPostgresError.missing("initdb/pg_ctl not found (Debian postgresql-15: scripts/system-packages)") }
        self.binaries = binaries
        directory = URL(fileURLWithPath: "/tmp/autoconf-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if getuid() == 0 {
            let user = getpwnam("postgres") != nil ? "postgres" : "nobody"
            runAs = user
            _ = try await runCommandAsync("/bin/chown", [user, directory.path])
        } else {
            runAs = nil
        }
        port = try Self.freePort()
        let initdb = try await run("\(binaries)/initdb", ["-D", directory.path + "/data", "-U", "autoconf", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-locale"])
        guard initdb.status == 0 else { throw TestPostgresError.failed("initdb: \(initdb.stderr.suffix(400))") }
        try await start()
    }

    func run(_ command: String, _ arguments: [String]) async throws -> CommandResult {
        // cwd and HOME the server's user can read; the test process's own are root's.
        let environment = ["PATH": "/usr/bin:/bin", "HOME": directory.path, "LC_ALL": "C"]
        if let user = runAs {
            return try await runCommandAsync("/usr/sbin/runuser", ["-u", user, "--", "/usr/bin/env", "-C", directory.path, command] + arguments, environment: environment, timeout: 60)
        }
        return try await runCommandAsync(command, arguments, environment: environment, timeout: 60)
    }

    /// pg_ctl through posix_spawn and waitpid, output in the log: Foundation's `Process` never
    /// saw the `runuser` that ran `pg_ctl start` exit (the zombie stayed unreaped and
    /// `waitUntilExit` hung: that was the suite's hang).
    func pgctl(_ arguments: [String]) async -> Int32 {
        var full = ["\(binaries)/pg_ctl", "-D", directory.path + "/data"] + arguments
        if let runAs { full = ["/usr/sbin/runuser", "-u", runAs, "--"] + full }
        let output = directory.path + "/pg_ctl.out"
        let command = full
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
                posix_spawn_file_actions_init(&actions)
                defer { posix_spawn_file_actions_destroy(&actions) }
                posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
                posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
                posix_spawn_file_actions_adddup2(&actions, 1, 2)
                let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
                defer { for pointer in argv { free(pointer) } }
                let variables: [String] = ["PATH=/usr/bin:/bin", "HOME=" + self.directory.path, "LC_ALL=C"]
                let environment: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
                defer { for pointer in environment { free(pointer) } }
                var pid: pid_t = 0
                guard posix_spawn(&pid, command[0], &actions, nil, argv, environment) == 0 else { return continuation.resume(returning: -1) }
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                continuation.resume(returning: (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1)
            }
        }
    }

    func start() async throws {
        let options = "-p \(port) -k \(directory.path) -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        let status = await pgctl(["-o", options, "-l", directory.path + "/log", "-w", "-t", "60", "start"])
        guard status == 0 else {
            let log = (try? String(contentsOfFile: directory.path + "/log", encoding: .utf8)) ?? ""
            throw TestPostgresError.failed("pg_ctl start: \(status) \(log.suffix(400))")
        }
    }

    func stop() async {
        _ = await pgctl(["-m", "immediate", "-w", "stop"])
    }

    /// One SQL statement through psql: its rows, `|`-separated, one a line.
    func sql(_ statement: String) async throws -> String {
        let result = try await run("\(binaries)/psql", ["-X", "-At", "-h", "127.0.0.1", "-p", String(port), "-U", "autoconf", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", statement])
        guard result.status == 0 else { throw TestPostgresError.failed("psql: \(result.stderr.suffix(400))") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit {
        // Synchronous, without Foundation's Process (see pgctl).
        var command = ["\(binaries)/pg_ctl", "-D", directory.path + "/data", "-m", "immediate", "-w", "stop"]
        if let runAs { command = ["/usr/sbin/runuser", "-u", runAs, "--"] + command }
        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        var pid: pid_t = 0
        if posix_spawn(&pid, command[0], nil, nil, argv, environ) == 0 {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        for pointer in argv { free(pointer) }
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

/// `/readyz`'s `cache` field becomes `expected` within `limit`.
func waitForCache(_ service: RunningService, _ expected: String, within limit: Duration = .seconds(20)) async throws -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await curl("\(service.base)/readyz").json?["cache"] as? String == expected { return true }
        try await Task.sleep(for: .milliseconds(100))
    }
    return false
}

/// The shared cache against a real PostgreSQL: two instances (each with its own in-process
/// cache), the per-user rule, the database going away and coming back, hostile rows.
@Suite(.serialized) struct PostgresCacheTests {
    /// Short retry so the tests see the database come back quickly; the deadline stays short.
    static func shared(_ postgres: TestPostgres, memory: Int = 1 << 20) -> (inout ServiceConfiguration) -> Void {
        { $0.postgresURL = postgres.url; $0.cacheMemoryBytes = memory; $0.postgresRetry = .milliseconds(300) }
    }

    @Test func aLookupOnInstanceAIsACacheHitOnInstanceB() async throws {
        let postgres = try await TestPostgres()
        let http = try await HTTPTestServer.start(routes: [.answer("ispdb.test", "/v1.1/example.test", body: ispdbConfig())])
        let a = try await RunningService(serviceConfiguration(http.options(plugins: ["ispdb"]), change: Self.shared(postgres)))
        let b = try await RunningService(serviceConfiguration(http.options(plugins: ["ispdb"]), change: Self.shared(postgres)))
        defer { Task { await a.stop(); await b.stop() } }
        let readyA = try await waitForCache(a, "postgres"), readyB = try await waitForCache(b, "postgres")
        #expect(readyA && readyB)
        // The table is made at startup.
        #expect(try await postgres.sql("SELECT count(*) FROM autoconf_cache") == "0")

        let first = try await curl("\(a.base)/v1/lookup?email=alice%40example.test")
        #expect(first.status == 200 && first.json?["found"] as? Bool == true, "\(first.body)")
        let second = try await curl("\(b.base)/v1/lookup?email=bob%40example.test")
        #expect(second.status == 200)
        #expect(http.requests().filter { $0.host == "ispdb.test" }.count == 1)
        #expect((second.json?["incoming"] as? [String: Any])?["username"] as? String == "bob@example.test")
        #expect((second.json?["provenance"] as? [String: Any])?["channel"] as? String == "cache")
        let trust = { (exchange: HTTPExchange) in (exchange.json?["trust"] as? [String: Any])?["level"] as? String }
        #expect(trust(second) != nil && trust(second) == trust(first), "trust is kept exactly")
        let metrics = try await curl("\(b.base)/metrics")
        #expect(metrics.body.contains(#"autoconf_cache_hits_total{tier="postgres"} 1"#), "\(metrics.body)")

        // One row, for the domain, with placeholders: it names no user.
        let rows = try await postgres.sql("SELECT domain, entry, expires_at > now() + interval '23 hours' FROM autoconf_cache")
        #expect(rows.split(separator: "\n").count == 1)
        #expect(rows.hasPrefix("example.test|") && rows.hasSuffix("|t"), "\(rows)")
        #expect(rows.contains("%EMAILADDRESS%") && !rows.contains("alice") && !rows.contains("bob"), "\(rows)")
    }

    @Test func aPerUserAnswerIsNeverStored() async throws {
        let postgres = try await TestPostgres()
        // autoconfig is asked with the address: its answer is per user.
        let http = try await HTTPTestServer.start(routes: [.answer("autoconfig.example.test", "/mail/config-v1.1.xml", body: ispdbConfig(username: "alice"))])
        let a = try await RunningService(serviceConfiguration(http.options(plugins: ["autoconfig"]), change: Self.shared(postgres)))
        defer { Task { await a.stop() } }
        #expect(try await waitForCache(a, "postgres"))
        let first = try await curl("\(a.base)/v1/lookup?email=alice%40example.test")
        #expect(first.status == 200 && first.json?["found"] as? Bool == true, "\(first.body)")
        #expect(try await postgres.sql("SELECT count(*) FROM autoconf_cache") == "0")
        let asked = http.requests().filter { $0.host == "autoconfig.example.test" }.count
        _ = try await curl("\(a.base)/v1/lookup?email=alice%40example.test")
        #expect(http.requests().filter { $0.host == "autoconfig.example.test" }.count > asked)
        #expect(try await postgres.sql("SELECT count(*) FROM autoconf_cache") == "0")
    }

    @Test func theDatabaseGoingAwayIsNoErrorAndItsReturnIsNoticed() async throws {
        let postgres = try await TestPostgres()
        let http = try await HTTPTestServer.start(routes: [
            .answer("ispdb.test", "/v1.1/example.test", body: ispdbConfig()),
            .answer("ispdb.test", "/v1.1/other.test", body: ispdbConfig(imap: "imap.other.test", id: "other.test")),
        ])
        let service = try await RunningService(serviceConfiguration(http.options(plugins: ["ispdb"]), change: Self.shared(postgres, memory: 0)))
        defer { Task { await service.stop() } }
        #expect(try await waitForCache(service, "postgres"))
        _ = try await curl("\(service.base)/v1/lookup?email=alice%40example.test")
        #expect(try await postgres.sql("SELECT count(*) FROM autoconf_cache") == "1")

        // Stopped mid-run: every lookup still answers 200, none waits much beyond the deadline.
        await postgres.stop()
        for user in ["bob", "carol", "dave"] {
            let started = ContinuousClock.now
            let answer = try await curl("\(service.base)/v1/lookup?email=\(user)%40example.test")
            #expect(answer.status == 200 && answer.json?["found"] as? Bool == true, "\(answer.body)")
            #expect(ContinuousClock.now - started < .seconds(3))
        }
        #expect(try await waitForCache(service, "postgres-unavailable"))
        let asked = http.requests().filter { $0.host == "ispdb.test" }.count
        #expect(asked >= 3, "without the cache each lookup asks ISPDB again")

        // Restarted: the service notices by itself and uses the cache again.
        try await postgres.start()
        #expect(try await waitForCache(service, "postgres", within: .seconds(60)))
        _ = try await curl("\(service.base)/v1/lookup?email=erin%40other.test")
        let hit = try await curl("\(service.base)/v1/lookup?email=frank%40other.test")
        #expect((hit.json?["provenance"] as? [String: Any])?["channel"] as? String == "cache", "\(hit.body)")
        #expect((hit.json?["incoming"] as? [String: Any])?["username"] as? String == "frank@other.test")
        #expect(try await postgres.sql("SELECT count(*) FROM autoconf_cache WHERE domain = 'other.test'") == "1")
    }

    /// A database call that never answers and ignores its cancellation still ends at the deadline.
    @Test func aCallThatIgnoresCancellationEndsAtTheDeadline() async throws {
        let started = ContinuousClock.now
        await #expect(throws: DeadlineExceeded.self) {
            try await withHardDeadline(.milliseconds(200)) {
                // Not cancellable: a continuation resumed 3 s later, whatever happens.
                await withCheckedContinuation { continuation in
                    DispatchQueue.global().asyncAfter(deadline: .now() + 3) { continuation.resume() }
                }
                return 1
            }
        }
        #expect(ContinuousClock.now - started < .milliseconds(1500))
        #expect(try await withHardDeadline(.seconds(5)) { 42 } == 42)
    }

    @Test func aDatabaseThatIsNotThereAtStartIsNoError() async throws {
        let http = try await HTTPTestServer.start(routes: [.answer("ispdb.test", "/v1.1/example.test", body: ispdbConfig())])
        let closed = try TestPostgres.freePort()
        let service = try await RunningService(serviceConfiguration(http.options(plugins: ["ispdb"])) {
            $0.postgresURL = "postgres://autoconf@127.0.0.1:\(closed)/autoconf?sslmode=disable"
            $0.cacheMemoryBytes = 0
        })
        defer { Task { await service.stop() } }
        let started = ContinuousClock.now
        for user in ["alice", "bob"] {
            let answer = try await curl("\(service.base)/v1/lookup?email=\(user)%40example.test")
            #expect(answer.status == 200 && answer.json?["found"] as? Bool == true, "\(answer.body)")
        }
        #expect(ContinuousClock.now - started < .seconds(4))
        #expect(try await waitForCache(service, "postgres-unavailable"))
    }

    @Test(arguments: [
        ("a hostname that fails validation", "UPDATE autoconf_cache SET entry = replace(entry, 'imap.example.test', 'bad host!')"),
        ("a control character in a hostname", #"UPDATE autoconf_cache SET entry = replace(entry, '"imap.example.test"', '"imap.example.test\u001b[31m"')"#),
        ("JSON that does not decode", "UPDATE autoconf_cache SET entry = '{\"formatVersion\": 1, \"domain\": [1, {}]'"),
        ("an entry for another domain", "UPDATE autoconf_cache SET entry = replace(entry, '\"domain\":\"example.test\"', '\"domain\":\"evil.test\"')"),
        ("an entry over the size cap", "UPDATE autoconf_cache SET entry = entry || repeat(' ', 300000)"),
    ])
    func aTamperedRowIsRefused(_ tampering: (what: String, sql: String)) async throws {
        let postgres = try await TestPostgres()
        let http = try await HTTPTestServer.start(routes: [.answer("ispdb.test", "/v1.1/example.test", body: ispdbConfig())])
        let service = try await RunningService(serviceConfiguration(http.options(plugins: ["ispdb"]), change: Self.shared(postgres, memory: 0)))
        defer { Task { await service.stop() } }
        #expect(try await waitForCache(service, "postgres"))
        _ = try await curl("\(service.base)/v1/lookup?email=alice%40example.test")
        let cached = try await curl("\(service.base)/v1/lookup?email=bob%40example.test")
        #expect((cached.json?["provenance"] as? [String: Any])?["channel"] as? String == "cache", "untampered, the row is used: \(cached.body)")
        _ = try await postgres.sql(tampering.sql)
        let again = try await curl("\(service.base)/v1/lookup?email=carol%40example.test")
        #expect(again.status == 200, "\(tampering.what)")
        let incoming = again.json?["incoming"] as? [String: Any]
        #expect(incoming?["host"] as? String == "imap.example.test", "\(tampering.what): \(again.body)")
        #expect((again.json?["provenance"] as? [String: Any])?["channel"] as? String != "cache", "\(tampering.what)")
        #expect(!again.body.contains("bad host") && !again.body.contains("\u{1b}") && !again.body.contains("evil.test"))
        #expect(try await curl("\(service.base)/readyz").json?["cache"] as? String == "postgres", "a bad row is not a dead database")
    }
}
