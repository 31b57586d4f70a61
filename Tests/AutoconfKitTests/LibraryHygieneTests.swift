import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// What embedding the library must not do: read the user's home unless asked.
@Suite struct LibraryHygieneTests {
    /// A home with a provider file for home.test in `~/.config/autoconf/providers/`.
    static func homeWithProviderFile() throws -> URL {
        let home = TestPaths.temporaryDirectory("hygiene-home")
        let providers = home.appendingPathComponent(".config/autoconf/providers")
        try FileManager.default.createDirectory(at: providers, withIntermediateDirectories: true)
        try TestDocuments.config(imap: "imap.home.test", smtp: "smtp.home.test", id: "home.test")
            .write(to: providers.appendingPathComponent("home.test.xml"), atomically: true, encoding: .utf8)
        return home
    }

    @Test func defaultOptionsDoNotReadTheHomeProviderDirectory() async throws {
        let home = try Self.homeWithProviderFile()
        let result = try await Autoconf(options: AutoconfOptions(offline: true, environment: ["HOME": home.path])).lookup("alice@home.test")
        #expect(!result.found)
        #expect(AutoconfOptions(environment: ["HOME": home.path]).userProviderDirectories.isEmpty)
        // Asked for, the same file answers.
        let asked = try await Autoconf(options: AutoconfOptions(offline: true, readsUserDirectory: true, environment: ["HOME": home.path])).lookup("alice@home.test")
        #expect(asked.best?.configuration.incoming.first?.hostname == "imap.home.test")
    }

    @Test func defaultOptionsNeitherReadNorWriteTheCache() async throws {
        let home = TestPaths.temporaryDirectory("hygiene-cache")
        let options = AutoconfOptions(plugins: ["bundled"], environment: ["HOME": home.path, "XDG_CACHE_HOME": home.appendingPathComponent("cache").path])
        #expect(options.cache == .off)
        _ = try await Autoconf(options: options).lookup("someone@gmail.com")
        #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("cache").path))
        #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent(".cache").path))
    }

    @Test func versionIsOneString() async throws {
        #expect(AutoconfVersion.string == AutoconfKit.version)
        #expect(AutoconfKit.version.split(separator: ".").count == 3 && AutoconfKit.version.allSatisfy { $0.isNumber || $0 == "." })
        let result = try await runCommandAsync(TestPaths.autoconfBinary.path, ["--version"])
        #expect(result.stdout == AutoconfKit.version + "\n")
    }

    /// The release convention (README, "Versions"): a tag on HEAD is the version, without a `v`.
    @Test func aTagOnTheCurrentCommitIsTheVersion() async throws {
        let result = try await runCommandAsync("/usr/bin/env", ["git", "-C", TestPaths.packageRoot.path, "tag", "--points-at", "HEAD"])
        for tag in result.stdout.split(separator: "\n") where tag.first?.isNumber == true || tag.hasPrefix("v") {
            #expect(tag == AutoconfKit.version, "tag \(tag) on HEAD, but Version.swift says \(AutoconfKit.version)")
        }
    }

    @Test func packageResolvedIsNotInTheRepository() async throws {
        let ignored = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent(".gitignore"), encoding: .utf8)
        #expect(ignored.split(separator: "\n").contains("Package.resolved"))
        let tracked = try await runCommandAsync("/usr/bin/env", ["git", "-C", TestPaths.packageRoot.path, "ls-files", "--", "Package.resolved", "*/Package.resolved"])
        #expect(tracked.stdout.isEmpty, "tracked: \(tracked.stdout)")
    }

    /// The README's embedding example is the fixture package's main.swift, character for
    /// character (scripts/test builds and runs that package).
    @Test func readmeEmbeddingExampleIsTheFixture() throws {
        let readme = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "## Embedding AutoconfKit\n\n```swift\n"))
        let end = try #require(readme.range(of: "```\n", range: section.upperBound..<readme.endIndex))
        let snippet = String(readme[section.upperBound..<end.lowerBound])
        let fixture = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("Tests/Fixtures/EmbedExample/Sources/EmbedExample/main.swift"), encoding: .utf8)
        #expect(snippet == fixture)
    }
}
