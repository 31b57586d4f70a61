import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// Every user gets their own answer: batch and cache share only answers that do not depend on
/// the address; the cache key covers the trust options; the suite never touches the real home.
@Suite struct PerUserCLITests {
    static func config(imap: String, username: String, displayName: String = "Example") -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <clientConfig version="1.1">
          <emailProvider id="example.test">
            <domain>example.test</domain><displayName>\(displayName)</displayName>
            <incomingServer type="imap">
              <hostname>\(imap)</hostname><port>993</port><socketType>SSL</socketType>
              <authentication>password-cleartext</authentication><username>\(username)</username>
            </incomingServer>
            <outgoingServer type="smtp">
              <hostname>smtp.example.test</hostname><port>465</port><socketType>SSL</socketType>
              <authentication>password-cleartext</authentication><username>\(username)</username>
            </outgoingServer>
          </emailProvider>
        </clientConfig>
        """
    }

    /// An autoconfig server that answers per user: `u-<localpart>` for alice, bob and carol+x.
    static func perUserServer() async throws -> HTTPTestServer {
        let users = [("alice", "alice"), ("bob", "bob"), ("carol%2Bx", "carol+x")]
        let routes = users.map { encoded, local -> HTTPTestServer.Route in
            var route = HTTPTestServer.Route.answer(
                "autoconfig.example.test", "/mail/config-v1.1.xml",
                body: config(imap: "imap.example.test", username: "u-\(local)", displayName: "Mail for \(local)@example.test"))
            route.query = "emailaddress=\(encoded)%40example.test"
            return route
        }
        return try await HTTPTestServer.start(routes: routes)
    }

    static func environment(cache: URL) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CONFIG_HOME"] = TestPaths.temporaryDirectory("xdg").path
        environment["XDG_CACHE_HOME"] = cache.path
        return environment
    }

    static func lines(_ output: String) -> [[String: Any]] {
        output.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    static func username(_ line: [String: Any]) -> String? { (line["incoming"] as? [String: Any])?["username"] as? String }

    @Test func batchAsksEachUserOfAPerUserSourceAndReadsCRLF() async throws {
        let server = try await Self.perUserServer()
        var arguments = ["lookup", "--batch", "-", "--no-user-providers", "--plugins", "autoconfig", "--ca-file", TestCA.shared.caFile, "--https-only"]
        for mapping in server.connectTo { arguments += ["--connect-to", mapping] }
        // CR LF line endings and a byte order mark.
        let result = try await runCommandAsync(TestPaths.autoconfBinary.path, arguments, stdin: "\u{FEFF}alice@example.test\r\nbob@example.test\r\ncarol+x@example.test\r\n")
        #expect(result.status == 0, "\(result.stderr)")
        let lines = Self.lines(result.stdout)
        #expect(lines.map { $0["email"] as? String } == ["alice@example.test", "bob@example.test", "carol+x@example.test"])
        #expect(lines.map(Self.username) == ["u-alice", "u-bob", "u-carol+x"])
        let others = result.stdout.split(separator: "\n").dropFirst()
        #expect(others.count == 2 && others.allSatisfy { !$0.contains("alice") })
    }

    /// `--batch -` with only the ISPDB source, asked at the test server.
    static func ispdbBatch(_ server: HTTPTestServer, stdin: String) async throws -> CommandResult {
        var arguments = ["lookup", "--batch", "-", "--no-user-providers", "--plugins", "ispdb", "--ca-file", TestCA.shared.caFile, "--ispdb-url", "https://ispdb.test/v1.1/"]
        for mapping in server.connectTo { arguments += ["--connect-to", mapping] }
        return try await runCommandAsync(TestPaths.autoconfBinary.path, arguments, stdin: stdin)
    }

    @Test func ispdbTemplateHostnameIsExpandedPerUser() async throws {
        let server = try await HTTPTestServer.start(routes: [
            .answer("ispdb.test", "/v1.1/example.test", body: Self.config(imap: "%EMAILLOCALPART%.example.test", username: "%EMAILADDRESS%")),
        ])
        let result = try await Self.ispdbBatch(server, stdin: "alice@example.test\nbob@example.test\n")
        #expect(result.status == 0, "\(result.stderr)")
        let hosts = Self.lines(result.stdout).map { ($0["incoming"] as? [String: Any])?["host"] as? String }
        #expect(hosts == ["alice.example.test", "bob.example.test"])
    }

    @Test func domainLevelAnswerIsSharedInBatch() async throws {
        let server = try await HTTPTestServer.start(routes: [
            .answer("ispdb.test", "/v1.1/example.test", body: Self.config(imap: "imap.example.test", username: "%EMAILADDRESS%")),
        ])
        let result = try await Self.ispdbBatch(server, stdin: "alice@example.test\nbob@example.test\ncarol@example.test\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Self.lines(result.stdout).map(Self.username) == ["alice@example.test", "bob@example.test", "carol@example.test"])
        #expect(server.requests().filter { $0.path == "/v1.1/example.test" }.count == 1)
    }

    @Test func cacheNeverHandsOneUsersAnswerToAnotherNorStoresIt() async throws {
        let server = try await Self.perUserServer()
        let cache = TestPaths.temporaryDirectory("peruser-cache")
        var arguments = ["--no-user-providers", "--plugins", "autoconfig", "--ca-file", TestCA.shared.caFile, "--https-only", "--json", "--cache"]
        for mapping in server.connectTo { arguments += ["--connect-to", mapping] }
        let alice = try await runCommandAsync(TestPaths.autoconfBinary.path, ["lookup", "alice@example.test"] + arguments, environment: Self.environment(cache: cache))
        let bob = try await runCommandAsync(TestPaths.autoconfBinary.path, ["lookup", "bob@example.test"] + arguments, environment: Self.environment(cache: cache))
        #expect(alice.status == 0 && bob.status == 0, "\(alice.stderr)\(bob.stderr)")
        #expect(alice.stdout.contains("u-alice"))
        #expect(bob.stdout.contains("u-bob"))
        #expect(!bob.stdout.contains("alice"))
        let files = (try? FileManager.default.subpathsOfDirectory(atPath: cache.path)) ?? []
        for file in files {
            let text = (try? String(contentsOfFile: cache.appendingPathComponent(file).path, encoding: .utf8)) ?? ""
            #expect(!text.contains("alice"), "\(file)")
        }
    }

    @Test func cacheFileNamesNoUserAndKeyCoversTheCAFile() async throws {
        let server = try await HTTPTestServer.start(routes: [
            .answer("ispdb.test", "/v1.1/example.test", body: Self.config(imap: "imap.example.test", username: "%EMAILADDRESS%", displayName: "Example Mail")),
        ])
        let cache = TestPaths.temporaryDirectory("cakey-cache")
        var base = ["--no-user-providers", "--plugins", "ispdb", "--ispdb-url", "https://ispdb.test/v1.1/", "--cache"]
        for mapping in server.connectTo { base += ["--connect-to", mapping] }
        let trusted = try await runCommandAsync(TestPaths.autoconfBinary.path, ["lookup", "alice@example.test", "--ca-file", TestCA.shared.caFile] + base, environment: Self.environment(cache: cache))
        #expect(trusted.status == 0, "\(trusted.stderr)")
        let file = cache.appendingPathComponent("autoconf/example.test.json")
        let stored = try String(contentsOfFile: file.path, encoding: .utf8)
        #expect(stored.contains("imap.example.test"))
        #expect(!stored.contains("alice"))
        // Without --ca-file the cached (CA-file-trusted) answer must not come back.
        let without = try await runCommandAsync(TestPaths.autoconfBinary.path, ["lookup", "bob@example.test"] + base, environment: Self.environment(cache: cache))
        #expect(!without.stdout.contains("imap.example.test"), "\(without.stdout)")
        #expect(without.status != 0)
        // Bob, with the same options, does get the cached answer with his own username.
        let bob = try await runCommandAsync(TestPaths.autoconfBinary.path, ["lookup", "bob@example.test", "--json", "--ca-file", TestCA.shared.caFile] + base, environment: Self.environment(cache: cache))
        #expect(bob.stdout.contains("bob@example.test"))
        #expect(bob.stdout.contains("\"cache\""))
        // The file is untrusted input: a hostname with a NUL and a newline is dropped on load.
        try stored.replacing("imap.example.test", with: "192.0.2.1\\u0000\\n[attacker]").write(to: file, atomically: true, encoding: .utf8)
        let hostile = try await runCommandAsync(TestPaths.autoconfBinary.path, ["lookup", "bob@example.test", "--json", "--ca-file", TestCA.shared.caFile] + base, environment: Self.environment(cache: cache))
        #expect(!hostile.stdout.contains("attacker") && !hostile.stdout.contains("192.0.2.1"), "\(hostile.stdout)")
    }

    @Test func lookupDoesNotCacheByDefault() async throws {
        let server = try await HTTPTestServer.start(routes: [
            .answer("ispdb.test", "/v1.1/example.test", body: Self.config(imap: "imap.example.test", username: "%EMAILADDRESS%")),
        ])
        let cache = TestPaths.temporaryDirectory("default-cache")
        var arguments = ["lookup", "alice@example.test", "--no-user-providers", "--plugins", "ispdb", "--ispdb-url", "https://ispdb.test/v1.1/", "--ca-file", TestCA.shared.caFile]
        for mapping in server.connectTo { arguments += ["--connect-to", mapping] }
        let result = try await runCommandAsync(TestPaths.autoconfBinary.path, arguments, environment: Self.environment(cache: cache))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cache.appendingPathComponent("autoconf").path))
    }

    @Test func unreachableNetworkIsExitThree() async throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else { return }
        // No network at all: every source fails to connect or resolve.
        let result = try await runCommandAsync("/usr/bin/unshare", ["-n", TestPaths.autoconfBinary.path, "lookup", "alice@example.test", "--no-user-providers"])
        #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("network was unreachable"))
        // HTTP sources only: libcurl's "could not resolve" is checked with c-ares, which cannot
        // reach a resolver either: not a "no" (exit 1 before).
        let httpOnly = try await runCommandAsync("/usr/bin/unshare", ["-n", TestPaths.autoconfBinary.path, "lookup", "alice@example.test", "--no-user-providers", "--plugins", "autoconfig"])
        #expect(httpOnly.status == 3, "\(httpOnly.stdout)\(httpOnly.stderr)")
        // A DNS server that answers "nothing here" is a no: exit 1.
        let dns = try await DNSTestServer.dnsmasq(["txt-record=exists.test,\"v=spf1 -all\""])
        let answered = try await runCommandAsync(TestPaths.autoconfBinary.path, ["lookup", "a@exists.test", "--no-user-providers", "--plugins", "mx,srv", "--dns-server", dns.address, "--trust-anchor", "none"])
        #expect(answered.status == 1, "\(answered.stdout)\(answered.stderr)")
    }

    @Test func commandsRunWithATemporaryHome() throws {
        let realHome = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
        let result = try runCommand("/usr/bin/env", [])
        let variables = Dictionary(result.stdout.split(separator: "\n").compactMap { line -> (String, String)? in
            guard let equals = line.firstIndex(of: "=") else { return nil }
            return (String(line[..<equals]), String(line[line.index(after: equals)...]))
        }, uniquingKeysWith: { a, _ in a })
        for key in ["HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"] {
            let value = try #require(variables[key])
            #expect(value != realHome && !value.hasPrefix(realHome + "/"), "\(key)=\(value)")
        }
    }
}

@Suite struct BatchInputTests {
    @Test func crlfLoneCRAndByteOrderMark() {
        let lines = BatchLookup.addresses(in: "\u{FEFF}a@x.test\r\nb@x.test\rc@x.test\n\r\n# note\r\nd@x.test")
        #expect(lines.map(\.input) == ["a@x.test", "b@x.test", "c@x.test", "d@x.test"])
        #expect(lines.map(\.number) == [1, 2, 3, 6])
    }

    /// The lines are split by bytes: the same lines and numbers as a split by scalars (the
    /// previous implementation, kept here), also around combining marks, non-ASCII whitespace and
    /// a byte order mark that is not first.
    @Test func byteSplitEqualsScalarSplit() {
        func byScalars(_ text: String) -> [(number: Int, input: String)] {
            var rawLines: [String] = []
            var current = String.UnicodeScalarView()
            var scalars = text.unicodeScalars[...]
            if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
            var previousWasCR = false
            for scalar in scalars {
                if scalar == "\n" && previousWasCR { previousWasCR = false; continue }
                previousWasCR = scalar == "\r"
                if scalar == "\n" || scalar == "\r" {
                    rawLines.append(String(current))
                    current = String.UnicodeScalarView()
                } else {
                    current.append(scalar)
                }
            }
            rawLines.append(String(current))
            return rawLines.enumerated().compactMap { index, raw in
                let line = raw.trimmed
                return line.isEmpty || line.hasPrefix("#") ? nil : (index + 1, line)
            }
        }
        let texts = [
            "", "\n", "\r", "\r\n", "\n\r", "a@x.test", "a@x.test\n", "\u{FEFF}", "\u{FEFF}\u{FEFF}a@x.test", "x\u{FEFF}\na@x.test",
            "a@x.test\r\n\r\n\rb@x.test\n\n", "\n\u{301}a@x.test\r\u{301}\n", " \u{A0}a@x.test\u{2003}\n\t#c\n  # d \r\n#",
            "é@x.test\r\nü@ÿ.test\u{2028}z@x.test\u{85}y@x.test", "a@x.test\r\r\n\n\r\nb@x.test", "\u{1F600}\r\n\u{1F600}@x.test",
        ]
        for text in texts {
            let lines = BatchLookup.addresses(in: text), expected = byScalars(text)
            #expect(lines.map(\.input) == expected.map(\.input), "\(text.unicodeScalars.map(\.value))")
            #expect(lines.map(\.number) == expected.map(\.number), "\(text.unicodeScalars.map(\.value))")
        }
    }
}
