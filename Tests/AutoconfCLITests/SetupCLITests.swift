import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// The setup flow end to end through the built binary: login test, password sources, manual
/// settings, batch, exporters and cache options.
@Suite struct SetupCLITests {
    static let password = "s3cret-Pa55"

    func autoconf(_ arguments: [String], stdin: String? = nil, extraEnvironment: [String: String] = [:]) async throws -> CommandResult {
        var environment = CLITests.environment()
        for (key, value) in extraEnvironment { environment[key] = value }
        return try await runCommandAsync(TestPaths.autoconfBinary.path, arguments, environment: environment, stdin: stdin)
    }

    func serverArguments(_ server: LoginServer, imap: String = "imaps", smtp: String = "smtps") -> [String] {
        ["--imap", "\(server.hostname):\(server.port(imap))", "--smtp", "\(server.hostname): \(server.port(smtp))",
         "--ca-file", TestCA.shared.caFile, "--no-user-providers"] + server.resolve.flatMap { ["--resolve", $0] }
    }

    @Test func verifySucceedsWithPasswordFromStdinAndNeverPrintsIt() async throws {
        let server = try await LoginServer.start(accounts: ["alice": Self.password])
        let result = try await autoconf(["verify", "alice@login.test", "--password-stdin", "--json"] + serverArguments(server), stdin: Self.password + "\n")
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let verification = try #require(json["verification"] as? [String: Any])
        #expect(verification["succeeded"] as? Bool == true)
        let servers = try #require(verification["servers"] as? [[String: Any]])
        #expect(servers.count == 2)
        #expect((servers[0]["authentication"] as? [String: Any])?["username"] as? String == "alice")
        #expect(!result.stdout.contains(Self.password) && !result.stderr.contains(Self.password))
    }

    @Test func wrongPasswordExitsFiveWithTheServersText() async throws {
        let server = try await LoginServer.start(accounts: ["alice@login.test": Self.password], options: ["--fail-text", "[ALERT] Application-specific password required"])
        let result = try await autoconf(["lookup", "alice@login.test", "--verify", "--password-env", "MAILPW", "--security", "starttls"] + serverArguments(server, imap: "imap", smtp: "smtp"),
                                        extraEnvironment: ["MAILPW": "wrong-one"])
        #expect(result.status == 5)
        #expect(result.stdout.contains("Application-specific password required"))
        #expect(result.stdout.contains("STARTTLS"))
        #expect(!result.stdout.contains("wrong-one"))
    }

    @Test func aConfigurationToConfirmNeedsYesBeforeAnyPasswordIsSent() async throws {
        let server = try await LoginServer.start(accounts: ["alice@login.test": Self.password], options: ["--strip-starttls"])
        let arguments = ["verify", "alice@login.test", "--password-stdin", "--allow-plaintext", "--security", "plain"] + serverArguments(server, imap: "imap", smtp: "smtp")
        let refused = try await autoconf(arguments, stdin: Self.password + "\n")
        #expect(refused.status == 5)
        #expect(refused.stderr.contains("--yes"))
        #expect(server.logins.isEmpty)
        let accepted = try await autoconf(arguments + ["--yes"], stdin: Self.password + "\n")
        #expect(accepted.status == 0, "\(accepted.stdout)\(accepted.stderr)")
        #expect(server.logins.count == 2)
    }

    @Test func noPasswordSourceWithoutATerminalIsBadInput() async throws {
        let server = try await LoginServer.start(accounts: ["alice@login.test": Self.password])
        let result = try await autoconf(["verify", "alice@login.test", "--password-env", "UNSET_VARIABLE_X"] + serverArguments(server))
        #expect(result.status == 2)
        #expect(result.stderr == "autoconf: --password-env UNSET_VARIABLE_X: the variable is not set or empty\n")
        #expect(server.logins.isEmpty)
    }

    @Test func invalidManualSettingsNameTheField() async throws {
        let port = try await autoconf(["lookup", "a@example.com", "--imap", "mail.example.com:99999"])
        #expect(port.status == 2)
        #expect(port.stderr.hasPrefix("autoconf: --imap 'mail.example.com:99999': "))
        #expect(port.stderr.split(separator: "\n").count == 1)
        let security = try await autoconf(["lookup", "a@example.com", "--smtp", "x.example.com", "--security", "tls1.3"])
        #expect(security.status == 2)
        #expect(security.stderr.contains("--security"))
        let exclusive = try await autoconf(["lookup", "a@gmail.com", "--no-cache", "--refresh"])
        #expect(exclusive.status == 2)
    }

    @Test func manualSettingsAloneAnswerWithoutDiscovery() async throws {
        let result = try await autoconf(["lookup", "a@example.com", "--imap", "[::1]:993", "--smtp", "mail.example.com", "--json"])
        #expect(result.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((json["incoming"] as? [String: Any])?["host"] as? String == "::1")
        #expect((json["outgoing"] as? [String: Any])?["port"] as? Int == 465)
        #expect((json["provenance"] as? [String: Any])?["channel"] as? String == "manual")
    }

    @Test func batchKeepsOrderAndReportsBadLines() async throws {
        let input = "someone@gmail.com\nnot-an-address\n\nother@gmail.com\nx@unknown-domain.example\nfriend@web.de\n"
        let result = try await autoconf(["lookup", "--batch", "-", "--offline", "--jobs", "2"], stdin: input)
        #expect(result.status == 1)  // not everything was found
        let lines = result.stdout.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(lines.count == 5)
        #expect(lines.map { $0["email"] as? String ?? "line \($0["line"] as? Int ?? 0)" } == ["someone@gmail.com", "line 2", "other@gmail.com", "x@unknown-domain.example", "friend@web.de"])
        #expect((lines[2]["incoming"] as? [String: Any])?["username"] as? String == "other@gmail.com")
        #expect(lines[1]["error"] as? String != nil)
        #expect(lines.map { $0["found"] as? Bool } == [true, false, true, false, true])
    }

    @Test(arguments: ["aerc", "neomutt", "mbsync", "himalaya", "mobileconfig", "xml"])
    func everyExportFormatPrintsAFile(format: String) async throws {
        let result = try await autoconf(["lookup", "someone@gmail.com", "--offline", "--format", format, "--real-name", "Some One"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("imap.gmail.com"))
        #expect(result.stdout.contains("smtp.gmail.com"))
    }
}
