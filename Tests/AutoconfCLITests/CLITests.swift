import AutoconfTestSupport
import Foundation
import Testing

@Suite struct CLIBasicsTests {
    @Test func badAddressExitsTwoWithOneLine() throws {
        let result = try runCommand(TestPaths.autoconfBinary.path, ["lookup", "a@b@c", "--no-user-providers"])
        #expect(result.status == 2)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("more than one '@'"))
    }
}
