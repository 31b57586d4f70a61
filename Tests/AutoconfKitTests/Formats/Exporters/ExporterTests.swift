import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

@Suite struct ExporterTests {
    let email = try! EmailAddress("alice@example.com")

    func configuration(host: String = "mail.example.com", username: String = "alice@example.com", smtpSocket: SocketType = .startTLS) -> EmailConfiguration {
        EmailConfiguration(
            domains: ["example.com"],
            incoming: [Server(type: .imap, hostname: host, port: 993, socketType: .ssl, authentication: [Authentication(.passwordCleartext)], username: username)],
            outgoing: [Server(type: .smtp, hostname: host, port: 587, socketType: smtpSocket, authentication: [Authentication(.passwordCleartext)], username: username)])
    }

    func python(_ script: String, _ input: String) async throws -> String {
        let result = try await runCommandAsync("python3", ["-c", script], stdin: input)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func himalayaIsValidTOMLWithEscapedValues() async throws {
        let name = "Al \"The\" \\ice\nsecond line"
        let file = try ExportFormat.himalaya.export(configuration(), email: email, realName: name)[0]
        let parsed = try await python("""
            import sys, tomllib, json
            d = tomllib.loads(sys.stdin.read())["accounts"]["alice@example.com"]
            print(json.dumps([d["display-name"], d["backend"]["host"], d["backend"]["port"], d["backend"]["encryption"]["type"], d["message"]["send"]["backend"]["encryption"]["type"], d["backend"]["login"]]))
            """, file.contents)
        let values = try JSONSerialization.jsonObject(with: Data(parsed.utf8)) as! [Any]
        #expect(values[0] as? String == name)
        #expect(values[1] as? String == "mail.example.com")
        #expect(values[2] as? Int == 993)
        #expect(values[3] as? String == "tls")
        #expect(values[4] as? String == "start-tls")
        #expect(values[5] as? String == "alice@example.com")
    }

    @Test func mobileconfigIsAPropertyList() async throws {
        let file = try ExportFormat.mobileconfig.export(configuration(), email: email, realName: "A & <B>")[0]
        #expect(file.contents.contains("<!DOCTYPE plist"))
        let parsed = try await python("""
            import sys, plistlib, json
            p = plistlib.loads(sys.stdin.buffer.read())
            m = p["PayloadContent"][0]
            print(json.dumps([p["PayloadType"], m["PayloadType"], m["IncomingMailServerHostName"], m["IncomingMailServerPortNumber"], m["IncomingMailServerUseSSL"], m["OutgoingMailServerPortNumber"], m["EmailAccountName"], m["EmailAccountType"]]))
            """, file.contents)
        #expect(parsed == #"["Configuration", "com.apple.mail.managed", "mail.example.com", 993, true, 587, "A & <B>", "EmailTypeIMAP"]"#)
    }

    @Test func aercNeomuttMbsyncShapes() throws {
        let aerc = try ExportFormat.aerc.export(configuration(username: "alice@example.com"), email: email, realName: "Alice")[0].contents
        #expect(aerc.contains("source          = imaps://alice%40example.com@mail.example.com:993"))
        #expect(aerc.contains("outgoing        = smtp://alice%40example.com@mail.example.com:587"))
        #expect(aerc.contains("from            = \"Alice\" <alice@example.com>"))
        let neomutt = try ExportFormat.neomutt.export(configuration(), email: email)[0].contents
        #expect(neomutt.contains("set folder = 'imaps://mail.example.com:993/'"))
        #expect(neomutt.contains("set smtp_url = 'smtp://alice%40example.com@mail.example.com:587/'"))
        #expect(neomutt.contains("set ssl_force_tls = yes"))
        let files = try ExportFormat.mbsync.export(configuration(), email: email)
        #expect(files.map(\.suggestedPath) == ["~/.mbsyncrc", "~/.msmtprc"])
        #expect(files[0].contents.contains("SSLType IMAPS"))
        #expect(files[1].contents.contains("tls_starttls on"))
        #expect(files[1].contents.contains("user \"alice@example.com\""))
        // No exported file ever holds a password line.
        for format in ExportFormat.allCases {
            for file in try format.export(configuration(), email: email) {
                for line in file.contents.split(separator: "\n") where !line.hasPrefix("#") {
                    #expect(!line.lowercased().contains("pass ="), "\(format): \(line)")
                }
            }
        }
    }

    static let hostileHosts = ["a;touch /tmp/x", "$(reboot)", "mail.example.com\nsource = evil", "`id`.example.com", "mail\"example.com", "x' ; evil '"]

    @Test(arguments: hostileHosts)
    func hostileHostnamesAreRefusedByEveryClientFormat(host: String) {
        for format in ExportFormat.allCases where format != .thunderbird {
            #expect(throws: ExportError.self, "\(format)") { try format.export(configuration(host: host), email: email) }
        }
    }

    @Test func hostileHostnameInThunderbirdXMLStaysInsideItsElement() throws {
        let xml = try ExportFormat.thunderbird.export(configuration(host: "a</hostname><evil/>"), email: email)[0].contents
        #expect(!xml.contains("<evil/>"))
        // The reader sees the whole value, and refuses it as a hostname.
        #expect(throws: (any Error).self) { try ConfigXMLReader().read(xml, source: "x") }
    }

    @Test(arguments: ["bob\nset evil = yes", "bob\r\nX", "bo'b", "bo\"b", "bo`id`b", "bo\\b", "bob\u{2028}x"])
    func hostileUsernamesNeverBreakALine(username: String) throws {
        // XML text may hold a line break without any effect on the structure: not line-based.
        for format in ExportFormat.allCases where format != .thunderbird {
            let files: [ExportedFile]
            do { files = try format.export(configuration(username: username), email: email) } catch { continue }
            for file in files {
                // Whatever was written, the username did not start a line of its own.
                for line in file.contents.split(whereSeparator: \.isNewline) {
                    #expect(!line.hasPrefix("set evil") && !line.hasPrefix("X"), "\(format): \(line)")
                }
                if format == .neomutt { #expect(!file.contents.contains("bo'b")) }
                if format == .mbsync { #expect(!file.contents.contains("bo\"b")) }
            }
        }
    }

    @Test func ipv6ServersAreBracketedInURLs() throws {
        var config = configuration()
        config.incoming[0].hostname = "::1"
        let aerc = try ExportFormat.aerc.export(config, email: email)[0].contents
        #expect(aerc.contains("@[::1]:993"))
    }

    @Test func imapOnlyFormatsSayWhatIsMissing() {
        var config = configuration()
        config.incoming = [Server(type: .pop3, hostname: "pop.example.com", port: 995, socketType: .ssl)]
        #expect { try ExportFormat.aerc.export(config, email: email) } throws: { "\($0)".contains("IMAP") }
        #expect(throws: Never.self) { try ExportFormat.neomutt.export(config, email: email) }
    }

    @Test func aercSTARTTLSSubmissionIsEncryptedForAerc014Too() throws {
        let aerc = try ExportFormat.aerc.export(configuration(smtpSocket: .startTLS), email: email)[0].contents
        #expect(aerc.contains("outgoing        = smtp://"))
        #expect(aerc.contains("\nsmtp-starttls   = yes\n"))
        let implicit = try ExportFormat.aerc.export(configuration(smtpSocket: .ssl), email: email)[0].contents
        #expect(implicit.contains("outgoing        = smtps://"))
        #expect(!implicit.contains("smtp-starttls"))
    }

    @Test func himalayaNamesAPasswordSource() async throws {
        let file = try ExportFormat.himalaya.export(configuration(), email: email)[0]
        let parsed = try await python("""
            import sys, tomllib, json
            d = tomllib.loads(sys.stdin.read())["accounts"]["alice@example.com"]
            print(json.dumps([d["backend"]["auth"]["type"], d["backend"]["auth"]["cmd"], d["message"]["send"]["backend"]["auth"]["cmd"]]))
            """, file.contents)
        #expect(parsed == #"["password", "pass show mail/alice@example.com", "pass show mail/alice@example.com"]"#)
    }

    /// isync 1.4 (Debian 12) refuses to open a MaildirStore whose Path does not exist; the export
    /// says what to run first, and with that done the real mbsync gets past the local store.
    @Test func mbsyncConfigWorksWithRealIsync() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/mbsync") else {
            print("skipping: mbsync (Debian package isync) is not installed")
            return
        }
        var config = configuration(host: "127.0.0.1")
        config.incoming[0].port = 1  // nothing listens: mbsync stops at the connection, offline
        let rc = try ExportFormat.mbsync.export(config, email: email)[0].contents
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("mbsync-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let rcPath = home.appendingPathComponent("mbsyncrc").path
        try rc.write(toFile: rcPath, atomically: true, encoding: .utf8)
        let environment = ["HOME": home.path, "PATH": "/usr/bin:/bin"]
        let name = "alice@example.com"
        let before = try await runCommandAsync("/usr/bin/mbsync", ["-c", rcPath, name], environment: environment, timeout: 20)
        #expect(before.status != 0)
        // The command the comment gives, run as written (with ~ expanded as a shell does).
        let mkdir = try #require(rc.split(separator: "\n").first { $0.hasPrefix("#   mkdir -p ") })
        let command = mkdir.dropFirst(1).trimmingCharacters(in: .whitespaces)
        #expect(command == "mkdir -p ~/Mail/\(name)")
        let made = try await runCommandAsync("/bin/sh", ["-c", command], environment: environment)
        #expect(made.status == 0)
        let after = try await runCommandAsync("/usr/bin/mbsync", ["-c", rcPath, name], environment: environment, timeout: 20)
        let output = after.stdout + after.stderr
        #expect(!output.contains("Maildir error"), "\(output)")
        #expect(!output.contains("rror in config") && !output.contains("unknown keyword"), "\(output)")
        #expect(output.contains("127.0.0.1"), "\(output)")
    }
}
