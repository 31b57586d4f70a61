import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// The C API as a C program sees it: the debug build installed by `scripts/install` into a
/// temporary prefix, `Programs/capi_check.c` compiled with `cc` and `pkg-config --cflags --libs
/// autoconf` against that prefix, and the Python example driven through ctypes.
@Suite(.serialized) struct CAPITests {
    /// One installation for the whole test process.
    struct Installation: Sendable {
        let prefix: URL
        let checkProgram: URL
        var library: String { prefix.appendingPathComponent("lib/libAutoconfC.so").path }
        var environment: [String: String] {
            var environment = ProcessInfo.processInfo.environment
            environment["LD_LIBRARY_PATH"] = prefix.appendingPathComponent("lib").path
            return environment
        }
    }

    static let programs = TestPaths.packageRoot.appendingPathComponent("Tests/AutoconfCTests/Programs")

    static let installation: Result<Installation, InstallFailure> = {
        let prefix = TestPaths.temporaryDirectory("prefix")
        var environment = ProcessInfo.processInfo.environment
        environment["PREFIX"] = prefix.path
        environment["AUTOCONF_BUILD_DIR"] = TestPaths.autoconfBinary.deletingLastPathComponent().path
        environment["AUTOCONF_NO_LOOKUP"] = "1"
        do {
            let install = try runCommand(TestPaths.packageRoot.appendingPathComponent("scripts/install").path, [], environment: environment, timeout: 120)
            guard install.status == 0 else { return .failure(InstallFailure(message: "scripts/install: \(install.stderr)")) }
            environment["PKG_CONFIG_PATH"] = prefix.appendingPathComponent("lib/pkgconfig").path
            let flags = try runCommand("/usr/bin/env", ["pkg-config", "--cflags", "--libs", "autoconf"], environment: environment)
            guard flags.status == 0 else { return .failure(InstallFailure(message: "pkg-config: \(flags.stderr)")) }
            let program = prefix.appendingPathComponent("capi_check")
            let compile = try runCommand(
                "/usr/bin/env",
                ["cc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-g", programs.appendingPathComponent("capi_check.c").path, "-o", program.path]
                    + flags.stdout.split(whereSeparator: \.isWhitespace).map(String.init) + ["-lpthread"])
            guard compile.status == 0 else { return .failure(InstallFailure(message: "cc: \(compile.stderr)")) }
            return .success(Installation(prefix: prefix, checkProgram: program))
        } catch {
            return .failure(InstallFailure(message: "\(error)"))
        }
    }()

    struct InstallFailure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    func installed() async throws -> Installation {
        try await offThePool { try Self.installation.get() }
    }

    func check(_ arguments: [String], environment extra: [String: String] = [:], timeout: TimeInterval = 60) async throws -> CommandResult {
        let installation = try await installed()
        let environment = installation.environment.merging(extra) { $1 }
        let result = try await runCommandAsync(installation.checkProgram.path, arguments, environment: environment, timeout: timeout)
        #expect(result.status == 0, "capi_check \(arguments.first ?? ""): \(result.stderr)")
        #expect(result.stdout.hasSuffix("ok\n"), "\(result.stdout)")
        return result
    }

    static func json(_ object: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test func installPutsEveryFileWhereTheSystemLooks() async throws {
        let prefix = try await installed().prefix
        for path in ["bin/autoconf", "lib/libAutoconfC.so", "include/autoconf.h", "lib/pkgconfig/autoconf.pc", "share/man/man1/autoconf.1",
                     "share/bash-completion/completions/autoconf", "share/zsh/site-functions/_autoconf", "share/fish/vendor_completions.d/autoconf.fish"] {
            #expect(FileManager.default.fileExists(atPath: prefix.appendingPathComponent(path).path), "\(path) not installed")
        }
        let pc = try String(contentsOf: prefix.appendingPathComponent("lib/pkgconfig/autoconf.pc"), encoding: .utf8)
        #expect(pc.contains("prefix=\(prefix.path)\n") && pc.contains("Version: \(AutoconfKit.version)\n"))
        let bash = try String(contentsOf: prefix.appendingPathComponent("share/bash-completion/completions/autoconf"), encoding: .utf8)
        #expect(bash.contains("complete") && bash.contains("lookup"))
        let zsh = try String(contentsOf: prefix.appendingPathComponent("share/zsh/site-functions/_autoconf"), encoding: .utf8)
        #expect(zsh.hasPrefix("#compdef autoconf"))
        // The page renders, and it documents the lookup options from their definitions.
        var environment = ProcessInfo.processInfo.environment
        environment["MANWIDTH"] = "100"
        let man = try await runCommandAsync("/usr/bin/env", ["man", "-l", "-P", "cat", prefix.appendingPathComponent("share/man/man1/autoconf.1").path], environment: environment)
        #expect(man.status == 0, "\(man.stderr)")
        #expect(man.stdout.contains("AUTOCONF(1)") && man.stdout.contains("--trust-resolver-ad") && man.stdout.contains("--offline"), "\(man.stdout.prefix(500))")
    }

    @Test func destdirStagesThePrefixAndThePkgConfigFileNamesThePrefix() async throws {
        let staging = TestPaths.temporaryDirectory("destdir")
        var environment = ProcessInfo.processInfo.environment
        environment["DESTDIR"] = staging.path
        environment["PREFIX"] = "/opt/autoconf-test"
        environment["AUTOCONF_BUILD_DIR"] = TestPaths.autoconfBinary.deletingLastPathComponent().path
        environment["AUTOCONF_NO_LOOKUP"] = "1"
        let install = try await runCommandAsync(TestPaths.packageRoot.appendingPathComponent("scripts/install").path, [], environment: environment, timeout: 120)
        #expect(install.status == 0, "\(install.stderr)")
        let pc = try String(contentsOf: staging.appendingPathComponent("opt/autoconf-test/lib/pkgconfig/autoconf.pc"), encoding: .utf8)
        #expect(pc.contains("prefix=/opt/autoconf-test\n"))
        #expect(FileManager.default.fileExists(atPath: staging.appendingPathComponent("opt/autoconf-test/lib/libAutoconfC.so").path))
        #expect(!FileManager.default.fileExists(atPath: "/opt/autoconf-test"))
    }

    @Test func argumentsOptionsAndErrorsNeverAbort() async throws {
        _ = try await check(["basic", AutoconfKit.version])
    }

    @Test func hundredLookupsFromEightThreadsBlockingAndAsync() async throws {
        let result = try await check(["threads"])
        #expect(result.stdout.contains("threads: 100 lookups from 8 threads"))
    }

    @Test func cancelEndsALookupStuckOnASilentDNSServer() async throws {
        let result = try await check(["cancel"])
        #expect(result.stdout.contains("cancel: callback"))
    }

    @Test func onlineLookupThroughTheLocalHTTPSServer() async throws {
        let server = try await HTTPTestServer.start(routes: [
            .answer("autoconfig.other.test", "/mail/config-v1.1.xml", body: TestDocuments.config(imap: "imap.other.test", smtp: "smtp.other.test", id: "other.test"))
        ])
        let options = Self.json([
            "plugins": ["autoconfig"], "timeout": 10, "ca-file": TestCA.shared.caFile, "connect-to": server.connectTo,
        ])
        _ = try await check(["lookup", options, "alice@other.test", "\"host\" : \"imap.other.test\""])
        #expect(server.requests().contains { $0.host.hasPrefix("autoconfig.other.test") })
        // Without the test CA the same server is not trusted: the option reached the library.
        let untrusted = Self.json(["plugins": ["autoconfig"], "timeout": 10, "connect-to": server.connectTo, "https-only": true])
        _ = try await check(["lookup", untrusted, "alice@other.test", "\"found\" : false"])
    }

    @Test func verifyLogsInWithThePasswordBytes() async throws {
        let server = try await LoginServer.start(accounts: ["alice": "correct horse"])
        let options = Self.json([
            "imap": "\(server.hostname):\(server.port("imaps"))", "smtp": "\(server.hostname):\(server.port("smtps"))",
            "ca-file": TestCA.shared.caFile, "resolve": server.resolve,
        ])
        _ = try await check(["verify", options, "alice@login.test", "correct horse", "0", "0", "\"succeeded\" : true"])
        _ = try await check(["verify", options, "alice@login.test", "wrong", "0", "5", "\"succeeded\" : false"])
        #expect(server.logins.count >= 2)
    }

    /// The library's defaults read nothing from the home directory: a provider file in
    /// $HOME/.config/autoconf/providers is used only when "user-providers" asks for it.
    @Test func homeProviderFilesOnlyWhenAsked() async throws {
        let home = TestPaths.temporaryDirectory("capi-home")
        let providers = home.appendingPathComponent(".config/autoconf/providers")
        try FileManager.default.createDirectory(at: providers, withIntermediateDirectories: true)
        try TestDocuments.config(imap: "imap.home.test", smtp: "smtp.home.test", id: "home.test")
            .write(to: providers.appendingPathComponent("home.test.xml"), atomically: true, encoding: .utf8)
        let environment = ["HOME": home.path, "XDG_CONFIG_HOME": "", "XDG_CACHE_HOME": ""]
        _ = try await check(["lookup", #"{"offline": true}"#, "alice@home.test", "\"found\" : false"], environment: environment)
        _ = try await check(["lookup", #"{"offline": true, "user-providers": true}"#, "alice@home.test", "\"host\" : \"imap.home.test\""], environment: environment)
    }

    @Test func pythonCtypesExample() async throws {
        let installation = try await installed()
        let result = try await runCommandAsync(
            "/usr/bin/env", ["python3", Self.programs.appendingPathComponent("ctypes_check.py").path, installation.library, AutoconfKit.version])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "ok\n")
    }

    @Test func cExampleCompilesAndRuns() async throws {
        let installation = try await installed()
        var environment = installation.environment
        environment["PKG_CONFIG_PATH"] = installation.prefix.appendingPathComponent("lib/pkgconfig").path
        let program = installation.prefix.appendingPathComponent("lookup-example").path
        let example = TestPaths.packageRoot.appendingPathComponent("examples/c/lookup.c").path
        let compile = try await runCommandAsync("/bin/sh", ["-c", "cc -std=c11 -Wall -Werror \"$0\" $(pkg-config --cflags --libs autoconf) -o \"$1\"", example, program], environment: environment)
        #expect(compile.status == 0, "\(compile.stderr)")
        let run = try await runCommandAsync(program, ["someone@gmail.com"], environment: environment)
        #expect(run.status == 0 && run.stdout.contains("\"imap.gmail.com\""), "\(run.stderr)")
    }

    func valgrind(_ arguments: [String]) async throws -> CommandResult {
        let installation = try await installed()
        return try await runCommandAsync(
            "/usr/bin/env",
            ["valgrind", "--leak-check=full", "--errors-for-leak-kinds=definite,indirect,possible", "--error-exitcode=99",
             "--suppressions=\(Self.programs.appendingPathComponent("swift-runtime.supp").path)", installation.checkProgram.path] + arguments,
            environment: installation.environment, timeout: 600)
    }

    /// valgrind over 1,000 offline lookups (half blocking, half async, a new handle every 100):
    /// no leak and no invalid access. Suppressed: only the Swift runtime's one-time caches and
    /// the TLS of threads alive at exit (Programs/swift-runtime.supp says why).
    @Test func noLeakOver1000Lookups() async throws {
        let result = try await valgrind(["leak", "1000"])
        #expect(result.status == 0, "\(result.stderr.suffix(6000))")
        #expect(result.stdout.contains("leak: 1000 lookups"))
        #expect(result.stderr.contains("definitely lost: 0 bytes") || result.stderr.contains("no leaks are possible"), "\(result.stderr.suffix(2000))")
    }

    /// The same check catches one document the caller forgot to free: the suppressions hide
    /// nothing of the library's own.
    @Test func theLeakCheckSeesAForgottenString() async throws {
        let result = try await valgrind(["forget"])
        #expect(result.status == 99, "\(result.stderr.suffix(3000))")
        #expect(result.stderr.contains("definitely lost:") && result.stderr.contains("autoconf_lookup_json"), "\(result.stderr.suffix(3000))")
    }
}
