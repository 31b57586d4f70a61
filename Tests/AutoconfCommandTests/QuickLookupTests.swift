import ArgumentParser
import AutoconfKit
import Testing

@testable import autoconf

/// `QuickLookup` reads the everyday `lookup` command lines without argument-parser: every line it
/// recognizes must mean exactly what argument-parser makes of it, and every other line must be
/// left to argument-parser.
struct QuickLookupTests {
    static let recognized: [[String]] = [
        ["a@gmail.com"],
        ["a@gmail.com", "--offline"],
        ["--offline", "a@gmail.com"],
        ["a@gmail.com", "--json"],
        ["a@gmail.com", "--json", "--format", "xml"],
        ["--format=json", "a@gmail.com"],
        ["a@gmail.com", "-v"],
        ["a@gmail.com", "--verbose", "--format", "aerc"],
        ["a@gmail.com", "--cache"],
        ["a@gmail.com", "--refresh"],
        ["a@gmail.com", "--cache", "--refresh"],
        ["a@gmail.com", "--no-cache"],
        ["a@gmail.com", "--https-only"],
        ["a@gmail.com", "--no-user-providers"],
        ["--no-cache", "-v", "a@example.org", "--https-only", "--no-user-providers", "--offline", "--json"],
        ["Ünï@bücher.example"],
        ["not-an-address"],
        ["help"],  // an address argument-parser reads as one too (the lookup says it has no '@')
    ] + OutputOptions.Format.allCases.map { ["a@gmail.com", "--format", $0.rawValue] }

    @Test(arguments: recognized)
    func meansWhatArgumentParserMakesOfIt(_ arguments: [String]) throws {
        let quick = try #require(QuickLookup(["lookup"] + arguments))
        let parsed = try #require(try Lookup.parseAsRoot(arguments) as? Lookup)
        #expect(quick.email == parsed.email)
        #expect(quick.output == parsed.options.output.choice)
        #expect(Self.described(quick.options) == Self.described(try parsed.options.autoconfOptions()))
        // What only the full parse would set stays at its default.
        #expect(parsed.batch == nil && !parsed.verify && parsed.jobs == 4 && parsed.options.login.isEmpty)
    }

    static let leftToArgumentParser: [[String]] = [
        [], ["--help"], ["-h"], ["a@gmail.com", "--help"], ["a@gmail.com", "--version"],
        ["a@gmail.com", "--offline", "--offline"], ["a@gmail.com", "-v", "--verbose"], ["a@gmail.com", "--json", "--json"],
        ["a@gmail.com", "b@gmail.com"], ["--", "a@gmail.com"], ["-a@gmail.com"], [""],
        ["a@gmail.com", "--format"], ["a@gmail.com", "--format", "XML"], ["a@gmail.com", "--format=bogus"],
        ["a@gmail.com", "--format", "--json"], ["a@gmail.com", "--format", "json", "--format", "xml"],
        ["a@gmail.com", "--no-cache", "--cache"], ["a@gmail.com", "--refresh", "--no-cache"],
        ["a@gmail.com", "--timeout", "3"], ["a@gmail.com", "-vq"], ["a@gmail.com", "-q"], ["--batch", "list.txt"],
        ["a@gmail.com", "--verify"], ["a@gmail.com", "--json=true"], ["a@gmail.com", "--offline=1"],
        ["a@gmail.com", "--plugins", "bundled"], ["a@gmail.com", "--generate-completion-script", "bash"],
    ]

    @Test(arguments: leftToArgumentParser)
    func leavesEveryOtherLineToArgumentParser(_ arguments: [String]) {
        #expect(QuickLookup(["lookup"] + arguments) == nil)
    }

    @Test func onlyTheLookupCommand() {
        #expect(QuickLookup(["verify", "a@gmail.com"]) == nil)
        #expect(QuickLookup(["a@gmail.com"]) == nil)
        #expect(QuickLookup([]) == nil)
        #expect(QuickLookup(["lookup", "a@gmail.com"]) != nil)
    }

    /// Every field, the environment aside (read from the process either way).
    static func described(_ options: AutoconfOptions) -> String {
        var options = options
        options.environment = [:]
        return String(reflecting: options)
    }
}
