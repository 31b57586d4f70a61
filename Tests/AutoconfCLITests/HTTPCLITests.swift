import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// The built binary against the local HTTPS server, reached with --resolve / --connect-to.
@Suite struct HTTPCLITests {
    @Test func ispdbThroughResolveAndCAFile() async throws {
        let server = try await HTTPTestServer.start(routes: [.answer("ispdb.test", "/v1.1/example.test", body: TestDocuments.config(imap: "imap.example.test"))])
        let port = server.httpsPort
        let result = try await runCommandOffPool(TestPaths.autoconfBinary.path, [
            "lookup", "alice@example.test", "--no-user-providers", "--plugins", "ispdb", "--json",
            "--ispdb-url", "https://ispdb.test:\(port)/v1.1/", "--resolve", "ispdb.test:\(port):127.0.0.1",
            "--ca-file", TestCA.shared.caFile,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("imap.example.test"))
        #expect(result.stdout.contains("https://ispdb.test:\(port)/v1.1/example.test"))
    }

    @Test func autoconfigThroughConnectTo() async throws {
        let server = try await HTTPTestServer.start(routes: [.answer("autoconfig.example.test", "/mail/config-v1.1.xml", body: TestDocuments.config(imap: "imap.example.test"))])
        var arguments = ["lookup", "alice@example.test", "--no-user-providers", "--plugins", "autoconfig", "--ca-file", TestCA.shared.caFile, "--https-only"]
        for mapping in server.connectTo { arguments += ["--connect-to", mapping] }
        let result = try await runCommandOffPool(TestPaths.autoconfBinary.path, arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("imap.example.test"))
        #expect(result.stdout.contains("trust           trusted"))
    }

    @Test func withoutTheCAFileTheTestServerIsNotTrusted() async throws {
        let server = try await HTTPTestServer.start(routes: [.answer("autoconfig.example.test", "/mail/config-v1.1.xml", body: TestDocuments.config(imap: "imap.example.test"))])
        var arguments = ["lookup", "alice@example.test", "--no-user-providers", "--plugins", "autoconfig", "--https-only", "-v"]
        for mapping in server.connectTo { arguments += ["--connect-to", mapping] }
        let result = try await runCommandOffPool(TestPaths.autoconfBinary.path, arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains("TLS certificate rejected"))
    }

    @Test(arguments: [
        (["--resolve", "nonsense"], "--resolve nonsense: expected HOST:PORT:ADDRESS"),
        (["--ca-file", "/nonexistent/ca.pem"], "--ca-file /nonexistent/ca.pem: cannot read the file"),
        (["--ispdb-url", "ftp://x.test/"], "--ispdb-url: URL 'ftp://x.test/' is not http(s)"),
        (["--connect-to", "a:b:c:d"], "--connect-to a:b:c:d: port 'b' is not in 1–65535"),
    ])
    func badOptionsAreOneLineErrors(arguments: [String], message: String) async throws {
        let result = try await runCommandOffPool(TestPaths.autoconfBinary.path, ["lookup", "a@example.test", "--no-user-providers"] + arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }
}

/// `runCommand` on its own thread, so a running binary does not hold a cooperative thread.
func runCommandOffPool(_ executable: String, _ arguments: [String]) async throws -> CommandResult {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try runCommand(executable, arguments) }) }
    }
}
