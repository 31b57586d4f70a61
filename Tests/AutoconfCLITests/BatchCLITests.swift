import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// `--batch` output and its progress line: drawn on a terminal, never on a pipe, never with --quiet.
@Suite struct BatchCLITests {
    static func batchFile(_ count: Int) throws -> URL {
        var lines = (0..<count).map { "user\($0)@gmail.com" }
        lines.insert("not an address", at: 3)
        let file = TestPaths.temporaryDirectory("batch").appendingPathComponent("addresses.txt")
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func aBatchOnAPipeWritesEveryLineInOrderAndNoProgress() async throws {
        let file = try Self.batchFile(300)
        let result = try await runCommandAsync(TestPaths.autoconfBinary.path, ["lookup", "--batch", file.path, "--offline", "--no-user-providers"], environment: CLITests.environment())
        #expect(result.status == 1)  // the bad line
        #expect(result.stderr.isEmpty)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 301)
        #expect(lines[3].contains("\"line\":4"))
        #expect(lines[0].contains("user0@gmail.com"))
        #expect(lines[300].contains("user299@gmail.com"))
    }

    /// Runs the batch with standard error on a pseudo-terminal (util-linux `script`), standard
    /// output to a file; returns what the terminal showed.
    func onTerminal(_ extra: [String]) async throws -> (terminal: String, output: String) {
        let file = try Self.batchFile(300)
        let output = TestPaths.temporaryDirectory("batch-out").appendingPathComponent("out.jsonl")
        let command = ([TestPaths.autoconfBinary.path, "lookup", "--batch", file.path, "--offline", "--no-user-providers"] + extra)
            .map { "'\($0)'" }.joined(separator: " ") + " > '\(output.path)'"
        let result = try await runCommandAsync("/usr/bin/script", ["-q", "-e", "-c", command, "/dev/null"], environment: CLITests.environment())
        return (result.stdout, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }

    @Test func onATerminalOneProgressLineIsRedrawn() async throws {
        let (terminal, output) = try await onTerminal([])
        #expect(terminal.contains("301/301 addresses"))
        #expect(terminal.contains("1 error"))
        #expect(terminal.contains("/s"))
        #expect(terminal.contains("\r"))
        #expect(output.split(separator: "\n").count == 301)
    }

    @Test func quietSilencesTheProgressLine() async throws {
        let (terminal, output) = try await onTerminal(["--quiet"])
        #expect(!terminal.contains("addresses"))
        #expect(output.split(separator: "\n").count == 301)
    }
}
