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
}
