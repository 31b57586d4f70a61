import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// End-to-end: the built `autoconf` binary, run as a user would.
@Suite struct CLITests {
    /// An environment with an empty XDG config home, so the developer's own files never interfere.
    static func environment(configHome: URL? = nil) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CONFIG_HOME"] = (configHome ?? TestPaths.temporaryDirectory("xdg")).path
        // The lookup cache (off by default, --cache) is never the developer's own.
        environment["XDG_CACHE_HOME"] = TestPaths.temporaryDirectory("xdg-cache").path
        return environment
    }

    func autoconf(_ arguments: [String], environment: [String: String] = CLITests.environment(), binary: String = TestPaths.autoconfBinary.path) async throws -> CommandResult {
        try await runCommandAsync(binary, arguments, environment: environment)
    }

    @Test func lookupPrintsAlignedSettingsWithRegistrableDomains() async throws {
        let result = try await autoconf(["lookup", "someone@gmail.com", "--offline"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let imap = try #require(lines.first { $0.contains("imap.gmail.com") })
        #expect(imap.hasSuffix("gmail.com"))
        #expect(imap.contains("993"))
        #expect(imap.contains("someone@gmail.com"))
        let header = try #require(lines.first { $0.contains("SERVER") })
        #expect(header.range(of: "SERVER")?.lowerBound.utf16Offset(in: header) == imap.range(of: "imap.gmail.com")?.lowerBound.utf16Offset(in: imap))
        #expect(result.stdout.contains("trust           trusted"))
    }

    @Test func jsonFollowsTheVersionedSchema() async throws {
        let result = try await autoconf(["lookup", "someone@gmail.com", "--json", "--offline"])
        #expect(result.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["schemaVersion"] as? Int == 1)
        #expect(json["found"] as? Bool == true)
        #expect(json["email"] as? String == "someone@gmail.com")
        let incoming = try #require(json["incoming"] as? [String: Any])
        #expect(incoming["host"] as? String == "imap.gmail.com")
        #expect(incoming["port"] as? Int == 993)
        #expect(incoming["socket"] as? String == "SSL")
        #expect(incoming["username"] as? String == "someone@gmail.com")
        #expect(incoming["registrableDomain"] as? String == "gmail.com")
        #expect((json["trust"] as? [String: Any])?["level"] as? String == "trusted")
        let provenance = try #require(json["provenance"] as? [String: Any])
        #expect(provenance["plugin"] as? String == "bundled")
        #expect(provenance["channel"] as? String == "bundled")
        #expect((json["plugins"] as? [[String: Any]])?.isEmpty == false)
    }

    @Test func xmlOutputIsConfigV11() async throws {
        let result = try await autoconf(["lookup", "someone@gmail.com", "--format", "xml", "--offline"])
        #expect(result.status == 0)
        let configuration = try ConfigXMLReader().read(result.stdout, source: "stdout").configuration
        #expect(configuration.incoming.first?.hostname == "imap.gmail.com")
        #expect(configuration.incoming.first?.username == "someone@gmail.com")
    }

    @Test func exitCodes() async throws {
        let notFound = try await autoconf(["lookup", "someone@unknown-domain.example", "--offline"])
        #expect(notFound.status == 1)
        #expect(notFound.stdout.contains("no configuration found"))
        let badTimeout = try await autoconf(["lookup", "a@gmail.com", "--timeout", "-1"])
        #expect(badTimeout.status == 2)
        let badPlugin = try await autoconf(["lookup", "a@gmail.com", "--plugins", "bundled,nope"])
        #expect(badPlugin.status == 2)
        #expect(badPlugin.stderr == "autoconf: unknown plugin 'nope' (available: \(Autoconf(options: AutoconfOptions(readsUserDirectory: false)).registry.names.joined(separator: ", ")))\n")
        let badAddress = try await autoconf(["lookup", "a@b@c"])
        #expect(badAddress.status == 2)
        #expect(badAddress.stderr.split(separator: "\n").count == 1)
        let usage = try await autoconf(["lookup"])
        #expect(usage.status == 2)
        let help = try await autoconf(["lookup", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--timeout"))
    }

    @Test func unsupportedProviderExplainsItself() async throws {
        let result = try await autoconf(["lookup", "someone@proton.me", "--offline"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("Bridge"))
    }

    @Test func pluginsSelectsSources() async throws {
        let result = try await autoconf(["lookup", "someone@gmail.com", "--plugins", "user-files"])
        #expect(result.status == 1)
        let listing = try await autoconf(["plugins"])
        #expect(listing.stdout.contains("bundled"))
    }

    @Test func verboseTracesToStandardError() async throws {
        let result = try await autoconf(["lookup", "someone@gmail.com", "--offline", "-v"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("bundled: started"))
        #expect(result.stderr.contains("bundled: found 1 configuration"))
        #expect(!result.stdout.contains("started"))
    }

    @Test func userProviderFilesOverrideBundledOnesWithoutRecompiling() async throws {
        let configHome = TestPaths.temporaryDirectory("xdg-user")
        let providers = configHome.appendingPathComponent("autoconf/providers")
        try FileManager.default.createDirectory(at: providers, withIntermediateDirectories: true)
        try ProviderCatalogTests_file(id: "corp", domains: ["gmail.com", "corp.example"], host: "mail.corp.example")
            .write(to: providers.appendingPathComponent("corp.xml"), atomically: true, encoding: .utf8)
        let result = try await autoconf(["lookup", "x@corp.example", "--json", "--offline"], environment: Self.environment(configHome: configHome))
        #expect(result.status == 0)
        #expect(result.stdout.contains("mail.corp.example"))
        let gmail = try await autoconf(["lookup", "x@gmail.com", "--offline"], environment: Self.environment(configHome: configHome))
        #expect(gmail.stdout.contains("mail.corp.example"))
        // The override is said, and the bundled answer kept as an alternative (text and JSON).
        #expect(gmail.stdout.contains("overrides the bundled answer for gmail.com"), "\(gmail.stdout)")
        #expect(gmail.stdout.contains("imap.gmail.com"), "\(gmail.stdout)")
        let gmailJSON = try await autoconf(["lookup", "x@gmail.com", "--offline", "--json"], environment: Self.environment(configHome: configHome))
        #expect(gmailJSON.stdout.contains("imap.gmail.com") && gmailJSON.stdout.contains("mail.corp.example"))
        let ignored = try await autoconf(["lookup", "x@gmail.com", "--offline", "--no-user-providers"], environment: Self.environment(configHome: configHome))
        #expect(ignored.stdout.contains("imap.gmail.com"))

        let other = TestPaths.temporaryDirectory("providers-dir")
        try ProviderCatalogTests_file(id: "x", domains: ["x.example"], host: "imap.x.example")
            .write(to: other.appendingPathComponent("x.xml"), atomically: true, encoding: .utf8)
        let viaOption = try await autoconf(["lookup", "a@x.example", "--providers", other.path, "--offline"])
        #expect(viaOption.status == 0)
        #expect(viaOption.stdout.contains("imap.x.example"))
    }

    @Test func aWildcardOnAPublicSuffixTakesNothingOver() async throws {
        let configHome = TestPaths.temporaryDirectory("xdg-wildcard")
        let providers = configHome.appendingPathComponent("autoconf/providers")
        try FileManager.default.createDirectory(at: providers, withIntermediateDirectories: true)
        let file = providers.appendingPathComponent("evil.xml")
        try ProviderCatalogTests_file(id: "evil", domains: ["*.com"], host: "mail.attacker.example")
            .write(to: file, atomically: true, encoding: .utf8)
        let gmail = try await autoconf(["lookup", "x@gmail.com", "--offline"], environment: Self.environment(configHome: configHome))
        #expect(gmail.stdout.contains("imap.gmail.com"), "\(gmail.stdout)")
        #expect(!gmail.stdout.contains("attacker"))
        let validate = try await autoconf(["providers", "validate", file.path])
        #expect(validate.status == 2, "\(validate.stdout)\(validate.stderr)")
        #expect(validate.stderr.contains("public suffix"))
    }

    @Test func remoteTextIsPrintedEscaped() async throws {
        let configHome = TestPaths.temporaryDirectory("xdg-hostile")
        let providers = configHome.appendingPathComponent("autoconf/providers")
        try FileManager.default.createDirectory(at: providers, withIntermediateDirectories: true)
        let file = ProviderCatalogTests_file(id: "hostile", domains: ["hostile.example"], host: "mail.hostile.example")
            .replacingOccurrences(of: "<domain>", with: "<displayName>Evil&#13;&#x9b;2K[1Atrust           trusted&#x202e;x&#x2028;y</displayName><domain>", options: [], range: nil)
        try file.write(to: providers.appendingPathComponent("hostile.xml"), atomically: true, encoding: .utf8)
        let result = try await autoconf(["lookup", "x@hostile.example", "--offline"], environment: Self.environment(configHome: configHome))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Evil"), "\(result.stdout)")
        let unsafe = result.stdout.unicodeScalars.filter { $0 != "\n" && TerminalText.isUnsafe($0) }
        #expect(unsafe.isEmpty, "\(unsafe.map(\.value))")
        // The only line that starts with "trust" is the report's own.
        #expect(result.stdout.split(separator: "\n").filter { $0.hasPrefix("trust") }.count == 1, "\(result.stdout)")
        #expect(result.stdout.contains("Evil\\u{d}\\u{9b}2K"), "\(result.stdout)")
    }

    @Test func aCopiedBinaryStillKnowsTheBundledProviders() async throws {
        let directory = TestPaths.temporaryDirectory("copied-binary")
        let copy = directory.appendingPathComponent("autoconf")
        try FileManager.default.copyItem(at: TestPaths.autoconfBinary, to: copy)
        let result = try await autoconf(["lookup", "someone@yahoo.com", "--offline"], binary: copy.path)
        #expect(result.status == 0)
        #expect(result.stdout.contains("imap.mail.yahoo.com"))
    }

    @Test func providersListShowValidate() async throws {
        let list = try await autoconf(["providers", "list"])
        #expect(list.status == 0)
        #expect(list.stdout.contains("gmail.com"))
        let show = try await autoconf(["providers", "show", "googlemail.com"])
        #expect(show.status == 0)
        #expect(show.stdout.contains("<hostname>imap.gmail.com</hostname>"))
        let missing = try await autoconf(["providers", "show", "nowhere.example"])
        #expect(missing.status == 1)

        let directory = TestPaths.temporaryDirectory("validate")
        let good = directory.appendingPathComponent("good.xml")
        let bad = directory.appendingPathComponent("bad.xml")
        try ProviderCatalogTests_file(id: "g", domains: ["g.example"]).write(to: good, atomically: true, encoding: .utf8)
        try "<clientConfig>\n<emailProvider>\n</clientConfig>".write(to: bad, atomically: true, encoding: .utf8)
        let okRun = try await autoconf(["providers", "validate", good.path])
        #expect(okRun.status == 0)
        #expect(okRun.stdout.contains("good.xml: ok"))
        let badRun = try await autoconf(["providers", "validate", good.path, bad.path])
        #expect(badRun.status == 2)
        #expect(badRun.stderr.contains("bad.xml:3:"))
        let bundled = try FileManager.default.contentsOfDirectory(atPath: TestPaths.packageRoot.appendingPathComponent("Providers").path)
            .filter { $0.hasSuffix(".xml") }.map { TestPaths.packageRoot.appendingPathComponent("Providers/\($0)").path }
        let all = try await autoconf(["providers", "validate"] + bundled)
        #expect(all.status == 0, "\(all.stderr)")
        #expect(!all.stdout.contains("warning"))
    }

    /// `providers` reads provider directories through the same option group as `lookup`: the same
    /// help, the same refusal of a directory that is not one, and the directory's files listed.
    @Test func providersTakesLookupsProviderDirectoryOptions() async throws {
        let missing = "/nonexistent/provider-dir"
        let lookup = try await autoconf(["lookup", "a@g.example", "--offline", "--providers", missing])
        let list = try await autoconf(["providers", "list", "--providers", missing])
        #expect(list.status == lookup.status)
        #expect(list.status != 0)
        #expect(list.stderr.contains("--providers \(missing): not a directory"), "\(list.stderr)")
        #expect(lookup.stderr.contains("--providers \(missing): not a directory"), "\(lookup.stderr)")

        let directory = TestPaths.temporaryDirectory("providers-dir")
        try ProviderCatalogTests_file(id: "g", domains: ["g.example"]).write(to: directory.appendingPathComponent("g.xml"), atomically: true, encoding: .utf8)
        let listed = try await autoconf(["providers", "list", "--providers", directory.path, "--no-user-providers"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("g.example"))
        let help = try await autoconf(["providers", "list", "--help"])
        let lookupHelp = try await autoconf(["lookup", "--help"])
        for line in help.stdout.split(separator: "\n") where line.hasPrefix("  --providers") || line.hasPrefix("  --no-user-providers") {
            #expect(lookupHelp.stdout.contains(line), "\(line)")
        }
    }

    /// A leaf subcommand's arguments are parsed without the root's (process start), and whatever
    /// is not a plain success of that parse is answered from the root: the usage line, --version,
    /// completion scripts and errors are the ones `autoconf` gives.
    @Test func aSubcommandParsedOnItsOwnAnswersAsTheRootDoes() async throws {
        let help = try await autoconf(["lookup", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: autoconf lookup [<options>] [<email>]"))
        let checkHelp = try await autoconf(["check", "--help"])
        #expect(checkHelp.status == 0 && checkHelp.stdout.contains("USAGE: autoconf check"))
        let version = try await autoconf(["lookup", "--version"])
        #expect(version.status == 0 && version.stdout == "\(AutoconfKit.version)\n")
        let completions = try await autoconf(["lookup", "--generate-completion-script", "bash"])
        #expect(completions.status == 0 && completions.stdout.contains("_autoconf_verify()"))
        let unknown = try await autoconf(["lookup", "a@gmail.com", "--offline", "--bogus"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr == "autoconf: Unknown option '--bogus'. Did you mean '--jobs'? (see 'autoconf help')\n")
        let invalid = try await autoconf(["lookup", "a@gmail.com", "--offline", "--jobs", "0"])
        #expect(invalid.status == 2 && invalid.stderr == "autoconf: --jobs must be between 1 and 64 (see 'autoconf help')\n")
        let found = try await autoconf(["lookup", "a@gmail.com", "--offline", "--format", "json"])
        #expect(found.status == 0 && found.stdout.contains("imap.gmail.com"))
    }

    @Test func shellCompletionsComeFromArgumentParser() async throws {
        let result = try await autoconf(["--generate-completion-script", "bash"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("lookup"))
    }

    /// `verify` shares `lookup`'s option groups instead of re-parsing its arguments: its help and
    /// its completions list them (they listed none).
    @Test func verifyHelpAndCompletionsListTheLookupOptions() async throws {
        let help = try await autoconf(["verify", "--help"])
        #expect(help.status == 0)
        for option in ["--password-stdin", "--password-env", "--yes", "--allow-plaintext", "--json", "--timeout", "--dns-server", "--resolve", "--connect-to", "--ca-file", "--imap", "--smtp", "--security", "--username", "--cache"] {
            #expect(help.stdout.contains(option), "\(option)")
        }
        #expect(!help.stdout.contains("--batch"))
        let lookupHelp = try await autoconf(["lookup", "--help"])
        for section in ["OUTPUT:", "SOURCES:", "NETWORK:", "MANUAL SETTINGS:", "CACHE:"] {
            #expect(lookupHelp.stdout.contains(section), "\(section)")
        }
        let completions = try await autoconf(["--generate-completion-script", "bash"])
        let verifySection = completions.stdout.components(separatedBy: "_autoconf_verify()").dropFirst().first ?? ""
        #expect(verifySection.contains("--password-stdin") && verifySection.contains("--connect-to"))
    }
}

func ProviderCatalogTests_file(id: String, domains: [String], host: String = "mail.example.com") -> String {
    """
    <clientConfig version="1.1"><emailProvider id="\(id)">
    \(domains.map { "<domain>\($0)</domain>" }.joined())
    <incomingServer type="imap"><hostname>\(host)</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
    <outgoingServer type="smtp"><hostname>\(host)</hostname><port>465</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
    </emailProvider></clientConfig>
    """
}
