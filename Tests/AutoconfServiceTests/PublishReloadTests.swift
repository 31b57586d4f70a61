import AutoconfKit
@testable import AutoconfService
import AutoconfTestSupport
import Foundation
import Testing

/// SIGHUP against a spawned `autoconf-serve --publish DIR`: the edited directory is served to new
/// requests, requests in flight and keep-alive connections survive the reload, and a broken file
/// keeps the previous set with one log line.
@Suite struct PublishReloadTests {
    static func get(_ host: String, on connection: RawHTTPConnection) throws -> RawHTTPConnection.Response {
        #expect(connection.send("GET /mail/config-v1.1.xml HTTP/1.1\r\nHost: \(host)\r\n\r\n"))
        return try connection.readResponse(timeout: 10)
    }

    /// Waits until the service has logged `count` lines containing `text`.
    static func waitForLog(_ process: ServeCommandTests.ServeProcess, _ text: String, count: Int) async throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if process.output.components(separatedBy: "\n").filter({ $0.contains(text) }).count >= count { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("no '\(text)' (\(count)) in the log: \(process.output)")
    }

    @Test func sighupServesTheEditedSetKeepsConnectionsAndRefusesABrokenFile() async throws {
        let directory = TestPaths.temporaryDirectory("publish-reload")
        func write(_ name: String, _ text: String) throws {
            // Written beside and renamed, as editors and deploy tools do.
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write("alpha.test.xml", sslProviderFile("alpha.test"))
        let process = try ServeCommandTests.ServeProcess(serveBinary.path, [
            "--listen", "127.0.0.1:0", "--publish", directory.path, "--no-user-providers", "--idle-timeout", "30", "--log-level", "info",
        ])
        defer { _ = process.terminate() }
        let port = process.port

        // Before: alpha on 993, no beta.
        let kept = try RawHTTPConnection(port: port)
        let before = try Self.get("autoconfig.alpha.test", on: kept)
        #expect(before.status == 200 && before.body.contains("<port>993</port>"))
        #expect(try Self.get("autoconfig.beta.test", on: RawHTTPConnection(port: port)).status == 404)

        // A slow client is half-way through its request when the reload happens.
        let slow = try RawHTTPConnection(port: port)
        #expect(slow.send("GET /mail/config-v1.1.xml HTTP/1.1\r\nHost: autocon"))

        // Edit: a domain added, a port changed. Then SIGHUP.
        try write("beta.test.xml", sslProviderFile("beta.test"))
        try write("alpha.test.xml", sslProviderFile("alpha.test", imapPort: 1993))
        kill(process.process.processIdentifier, SIGHUP)
        try await Self.waitForLog(process, "publish: reloaded", count: 1)

        // The slow request completes, the kept-alive connection is still open and sees the new set.
        #expect(slow.send("fig.alpha.test\r\n\r\n"))
        let slowAnswer = try slow.readResponse(timeout: 10)
        #expect(slowAnswer.status == 200 && slowAnswer.body.contains("imap.alpha.test"), "\(slowAnswer)")
        let after = try Self.get("autoconfig.alpha.test", on: kept)
        #expect(after.status == 200 && after.body.contains("<port>1993</port>"), "\(after)")
        let beta = try Self.get("autoconfig.beta.test", on: kept)
        #expect(beta.status == 200 && beta.body.contains("imap.beta.test"))

        // A broken file: the reload is refused, one line says why, the previous set stays.
        try write("gamma.test.xml", "<clientConfig version=\"1.1\"><emailProvider id=\"gamma.test\"><domain>gamma.test</domain>")
        kill(process.process.processIdentifier, SIGHUP)
        try await Self.waitForLog(process, "publish: reload refused", count: 1)
        let refusals = process.output.components(separatedBy: "\n").filter { $0.contains("reload refused") }
        #expect(refusals.count == 1)
        #expect(refusals.first?.contains("gamma.test.xml") == true, "\(refusals)")
        let still = try Self.get("autoconfig.alpha.test", on: kept)
        #expect(still.status == 200 && still.body.contains("<port>1993</port>"))
        #expect(try Self.get("autoconfig.beta.test", on: RawHTTPConnection(port: port)).status == 200)
        #expect(try Self.get("autoconfig.gamma.test", on: RawHTTPConnection(port: port)).status == 404)

        // Mended: the next SIGHUP publishes it.
        try write("gamma.test.xml", sslProviderFile("gamma.test"))
        kill(process.process.processIdentifier, SIGHUP)
        try await Self.waitForLog(process, "publish: reloaded", count: 2)
        #expect(try Self.get("autoconfig.gamma.test", on: kept).status == 200)
        #expect(process.process.isRunning)
    }

    /// At startup a broken file is not a reload: the service refuses to start, in one line naming
    /// the file (it used to blame --tls-cert/--tls-key for any startup error).
    @Test func aBrokenFileAtStartupIsOneLineNamingItAndExitTwo() async throws {
        let directory = TestPaths.temporaryDirectory("publish-broken")
        try "<clientConfig version=\"1.1\"><emailProvider id=\"gamma.test\">".write(to: directory.appendingPathComponent("gamma.test.xml"), atomically: true, encoding: .utf8)
        let result = try await runCommandAsync(serveBinary.path, ["--listen", "127.0.0.1:0", "--publish", directory.path, "--no-user-providers"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("autoconf serve: --publish: "), "\(result.stderr)")
        #expect(result.stderr.contains("gamma.test.xml"))
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        let missing = try await runCommandAsync(serveBinary.path, ["--listen", "127.0.0.1:0", "--publish", directory.path + "/nope", "--no-user-providers"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("not a readable directory"), "\(missing.stderr)")
    }

    /// Many requests on several connections while SIGHUPs arrive: every one is answered 200, each
    /// from one whole version (old or new), never a dropped connection or a mix.
    @Test func requestsDuringRepeatedReloadsAreAllAnswered() async throws {
        let directory = TestPaths.temporaryDirectory("publish-reload-load")
        try sslProviderFile("alpha.test").write(to: directory.appendingPathComponent("alpha.test.xml"), atomically: true, encoding: .utf8)
        let process = try ServeCommandTests.ServeProcess(serveBinary.path, ["--listen", "127.0.0.1:0", "--publish", directory.path, "--no-user-providers", "--log-level", "notice"])
        defer { _ = process.terminate() }
        let port = process.port
        let pid = process.process.processIdentifier
        let signals = Task.detached {
            for index in 0..<20 {
                try? sslProviderFile("alpha.test", imapPort: index.isMultiple(of: 2) ? 1993 : 993)
                    .write(to: directory.appendingPathComponent("alpha.test.xml"), atomically: true, encoding: .utf8)
                kill(pid, SIGHUP)
                try? await Task.sleep(for: .milliseconds(25))
            }
        }
        let answered = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let connection = try RawHTTPConnection(port: port)
                    var good = 0
                    for _ in 0..<50 {
                        let response = try Self.get("autoconfig.alpha.test", on: connection)
                        if response.status == 200, response.body.contains("<port>993</port>") != response.body.contains("<port>1993</port>") { good += 1 }
                    }
                    return good
                }
            }
            return try await group.reduce(0, +)
        }
        await signals.value
        #expect(answered == 200)
        try await Self.waitForLog(process, "publish: reloaded", count: 1)
        #expect(!process.output.contains("reload refused"), "\(process.output)")
    }
}
