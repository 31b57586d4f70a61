import AutoconfTestSupport
import Foundation
import Testing

/// What the process maps at startup. libxml2 (and ICU behind it) is dlopened by the first XML
/// parse or serialization, and the bundled provider files are embedded already parsed, so an
/// offline lookup of a bundled domain never maps it. LD_DEBUG=libs makes the dynamic loader say
/// which libraries it loads.
@Suite struct StartupCLITests {
    @Test func anOfflineLookupOfABundledDomainLoadsNoXMLParser() async throws {
        var environment = CLITests.environment()
        environment["LD_DEBUG"] = "libs"
        let offline = try await runCommandAsync(TestPaths.autoconfBinary.path, ["lookup", "alice@gmail.com", "--offline"], environment: environment)
        #expect(offline.status == 0)
        #expect(offline.stdout.contains("imap.gmail.com"))
        #expect(offline.stderr.contains("libc.so"))  // the loader did report
        #expect(!offline.stderr.contains("libxml2"), "\(offline.stderr)")
        #expect(!offline.stderr.contains("libicu"), "\(offline.stderr)")

        // A user provider file is parsed at run time: libxml2 is loaded then, and the lookup works.
        let configHome = TestPaths.temporaryDirectory("xdg-startup")
        let providers = configHome.appendingPathComponent("autoconf/providers")
        try FileManager.default.createDirectory(at: providers, withIntermediateDirectories: true)
        try ProviderCatalogTests_file(id: "corp", domains: ["corp.example"], host: "mail.corp.example")
            .write(to: providers.appendingPathComponent("corp.xml"), atomically: true, encoding: .utf8)
        var parsing = CLITests.environment(configHome: configHome)
        parsing["LD_DEBUG"] = "libs"
        let user = try await runCommandAsync(TestPaths.autoconfBinary.path, ["lookup", "x@corp.example", "--offline"], environment: parsing)
        #expect(user.status == 0, "\(user.stderr.suffix(2000))")
        #expect(user.stdout.contains("mail.corp.example"))
        #expect(user.stderr.contains("libxml2.so.2"))

        // So does writing XML.
        let xml = try await runCommandAsync(TestPaths.autoconfBinary.path, ["lookup", "alice@gmail.com", "--offline", "--format", "xml"], environment: CLITests.environment())
        #expect(xml.status == 0)
        #expect(xml.stdout.contains("<hostname>imap.gmail.com</hostname>"))
    }

    /// Without libxml2 (the library replaced by an empty file in a private mount namespace): a
    /// bundled domain is still answered, XML output is a one-line error, and the sources that
    /// write or read XML say why they cannot instead of sending an empty Autodiscover request.
    @Test func withoutLibxml2TheLookupSaysWhatIsMissing() async throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else {
            print("skipping: needs root and unshare(1) for a private mount namespace")
            return
        }
        let library = URL(fileURLWithPath: "/lib/x86_64-linux-gnu/libxml2.so.2").resolvingSymlinksInPath().path
        guard FileManager.default.fileExists(atPath: library) else {
            print("skipping: libxml2.so.2 is not where Debian puts it")
            return
        }
        let probe = try await runCommandAsync("/usr/bin/unshare", ["-m", "-n", "/bin/sh", "-c", "mount --bind /dev/null \"$0\"", library])
        guard probe.status == 0 else {
            print("skipping: no private mount namespace here (\(probe.stderr.prefix(200)))")
            return
        }
        func withoutLibxml2(_ arguments: [String]) async throws -> CommandResult {
            try await runCommandAsync("/usr/bin/unshare", ["-m", "-n", "/bin/sh", "-c", "mount --bind /dev/null \"$0\" && exec \"$@\"", library,
                                                          TestPaths.autoconfBinary.path] + arguments, environment: CLITests.environment())
        }
        let bundled = try await withoutLibxml2(["lookup", "alice@gmail.com", "--offline"])
        #expect(bundled.status == 0, "\(bundled.stderr)")
        #expect(bundled.stdout.contains("imap.gmail.com"))

        let xml = try await withoutLibxml2(["lookup", "alice@gmail.com", "--offline", "--format", "xml"])
        #expect(xml.status == 2, "\(xml.stdout)\(xml.stderr)")
        #expect(xml.stderr.contains("libxml2 is not installed"), "\(xml.stderr)")
        #expect(xml.stderr.split(separator: "\n").count == 1, "\(xml.stderr)")

        let autodiscover = try await withoutLibxml2(["lookup", "alice@example.test", "--no-user-providers", "--plugins", "autodiscover", "--json"])
        #expect(autodiscover.stdout.contains("cannot write the request: libxml2 is not installed"), "\(autodiscover.stdout)\(autodiscover.stderr)")
        #expect(!autodiscover.stdout.contains("network was unreachable"), "a missing library is not a network failure")
    }
}
