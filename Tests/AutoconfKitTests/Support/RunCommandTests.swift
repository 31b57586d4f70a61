import AutoconfTestSupport
import Foundation
import Testing

/// The suite's command runner ends at its timeout even when the command cannot be stopped
/// cleanly: before, a grandchild holding the output pipes made it wait as long as the grandchild.
@Suite struct RunCommandTests {
    @Test func aGrandchildHoldingThePipesDoesNotOutlastTheTimeout() throws {
        let started = Date()
        // The shell's background child inherits stdout and stderr and outlives the shell.
        let result = try runCommand("/bin/sh", ["-c", "echo begun; sleep 30 & sleep 30"], timeout: 1)
        let seconds = Date().timeIntervalSince(started)
        #expect(seconds < 15, "waited \(seconds) s")
        #expect(result.status != 0)
        #expect(result.stdout.contains("begun"))
    }

    @Test func aChildIgnoringSIGTERMIsKilled() throws {
        let started = Date()
        let result = try runCommand("/bin/sh", ["-c", "trap '' TERM; sleep 30"], timeout: 1)
        #expect(Date().timeIntervalSince(started) < 15)
        #expect(result.status != 0)
    }

    @Test func aQuickCommandIsUnchanged() throws {
        let result = try runCommand("/bin/sh", ["-c", "printf out; printf err >&2; exit 3"])
        #expect(result.status == 3)
        #expect(result.stdout == "out")
        #expect(result.stderr == "err")
    }
}
