@testable import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// Hostile remote text and values at every edge: the terminal, the wire, exporters, XML.
@Suite struct OutputHardeningTests {
    @Test func terminalTextEscapesControlsAndBidi() {
        let hostile = "Mail\r\u{9b}2K\u{1b}[1Atrust           trusted\u{202e}desrever\u{2066}\u{2028}\u{85}\u{7f}\n"
        let shown = TerminalText.sanitized(hostile)
        #expect(!shown.unicodeScalars.contains(where: TerminalText.isUnsafe))
        #expect(shown.contains("\\u{9b}") && shown.contains("\\u{d}") && shown.contains("\\u{202e}") && shown.contains("\\u{a}"))
        #expect(TerminalText.sanitized("plain ä text") == "plain ä text")
        for scalar in [0x061C, 0x200E, 0x200F, 0x202A, 0x2069, 0x2029, 0x0085, 0x0000, 0x009F] {
            #expect(TerminalText.isUnsafe(Unicode.Scalar(UInt32(scalar))!))
        }
    }

    @Test func textReportTableCellsAreEscaped() {
        let lines = TextReport.table([["a", "user\r\u{9b}x"], ["b", "c"]])
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { !$0.unicodeScalars.contains(where: TerminalText.isUnsafe) })
        #expect(lines[0].contains("user\\u{d}\\u{9b}x"))
    }

    @Test func wireValuesRefuseLineBreaksControlsBidiAndLength() {
        #expect(WireValue.isValid("alice@example.com"))
        #expect(WireValue.isValid("jörg"))
        #expect(!WireValue.isValid("alice\r\nX1 SELECT INBOX"))
        #expect(!WireValue.isValid("alice\u{0}"))
        #expect(!WireValue.isValid("alice\u{85}"))
        #expect(!WireValue.isValid("alice\u{202e}"))
        #expect(!WireValue.isValid(""))
        #expect(!WireValue.isValid(String(repeating: "a", count: 321)))
        #expect(WireValue.isValid(String(repeating: "a", count: 320)))
    }

    @Test func candidateWithInjectedUsernameIsDropped() throws {
        let email = try EmailAddress("alice@example.com")
        let sanitizer = CandidateSanitizer(query: LookupQuery(email: email), preferredIncoming: .imap)
        func candidate(_ username: String) -> Candidate {
            let configuration = EmailConfiguration(
                domains: ["example.com"],
                incoming: [Server(type: .imap, hostname: "imap.example.com", port: 993, socketType: .ssl, username: username)],
                outgoing: [Server(type: .smtp, hostname: "smtp.example.com", port: 465, socketType: .ssl, username: "alice")])
            return Candidate(configuration: configuration, trust: Trust(level: .confirm, reasons: []), provenance: .test("hostile"))
        }
        #expect(sanitizer.sanitize(candidate("alice\r\nX1 SELECT INBOX")) == nil)
        #expect(sanitizer.sanitize(candidate("alice")) != nil)
    }

    @Test func ipLiteralsAreJudgedOnTheirExactBytes() throws {
        #expect(IPAddress.isIPv4("192.0.2.1"))
        #expect(IPAddress.isIPv6("2001:db8::1"))
        #expect(!IPAddress.isIPv4("192.0.2.1\u{0}\nimap_pass = x"))
        #expect(!IPAddress.isLiteral("::1\u{0}"))
        #expect(!IPAddress.isLiteral("192.0.2.1 "))
        let value = ExportValue(format: "neomutt")
        #expect(throws: ExportError.self) { try value.hostname("192.0.2.1\u{0}\nset x = y", field: "imap") }
        #expect(try value.hostname("192.0.2.1", field: "imap") == "192.0.2.1")
    }

    @Test func xmlElementNamesMustBeNCNames() throws {
        let hostile = XMLElement(name: "pop3", children: [
            XMLElement(name: "x><hostname>attacker.example</hostname><y", text: "1"),
            XMLElement(name: "leaveMessagesOnServer", text: "true"),
        ])
        let xml = XMLSerializer.serialize(XMLElement(name: "root", attributes: ["a\"b": "1", "ok": "2"], children: [hostile]))
        #expect(!xml.contains("attacker.example"))
        #expect(xml.contains("<leaveMessagesOnServer>true</leaveMessagesOnServer>"))
        #expect(!xml.contains("a\"b"))
        let parsed = try HardenedXMLParser.parse(Array(xml.utf8), source: "test")
        #expect(parsed.children.first?.children.map(\.name) == ["leaveMessagesOnServer"])
    }

    @Test func xmlKeepsC1ControlsSoWriteThenReadIsTheIdentity() throws {
        let text = "a\u{7f}b\u{85}c\u{9b}d\u{9f}"
        let xml = XMLSerializer.serialize(XMLElement(name: "root", text: text + "\u{1}"))
        let parsed = try HardenedXMLParser.parse(Array(xml.utf8), source: "test")
        #expect(parsed.text == text)
    }
}

@Suite struct AddressCanonicalFormTests {
    @Test func trailingDotsAndPublicSuffixes() throws {
        #expect(try EmailAddress("a@x.com.").domain == "x.com")
        #expect(try EmailAddress("a@x.com").domain == "x.com")
        for bad in ["a@co.uk..", "a@x.com..", "user@com..", "user@com.", "a@co.uk", "a@com", "a@x..com", "a@.x.com"] {
            #expect(throws: AddressError.self, "\(bad)") { try EmailAddress(bad) }
        }
    }
}

@Suite struct XMLElementCapTests {
    @Test func manyEmptyElementsUnderTheByteCapAreRefused() throws {
        let document = "<a>" + String(repeating: "<b/>", count: 200_000) + "</a>"
        #expect(document.utf8.count < HardenedXMLParser.defaultMaximumSize)
        let start = ContinuousClock.now
        #expect(throws: XMLParseError.self) { try HardenedXMLParser.parse(Array(document.utf8), source: "generated") }
        #expect(ContinuousClock.now - start < .seconds(1))
        let fine = "<a>" + String(repeating: "<b/>", count: 1000) + "</a>"
        #expect(try HardenedXMLParser.parse(Array(fine.utf8), source: "generated").children.count == 1000)
    }
}

@Suite struct URLCheckTests {
    @Test func unicodeWhitespaceAndControlsAreRefused() {
        #expect(URLCheck.problem("https://mail.example.com/owa") == nil)
        for bad in ["https://mail.example.com/\u{85}x", "https://mail.example.com/\u{2028}", "https://mail.example.com/\u{a0}",
                    "https://mail.example.com/\u{202e}", "https://mail.example.com/\u{3000}", "https://mail.example.com/\u{feff}"] {
            #expect(URLCheck.problem(bad) != nil, "\(bad.unicodeScalars.map(\.value))")
        }
    }
}

@Suite struct JSONEscapingTests {
    @Test func everyC0ControlIsEscaped() throws {
        let hostile = String(String.UnicodeScalarView((0..<0x20).map { Unicode.Scalar(UInt8($0)) })) + "\u{7f}\u{9b}\u{2028}"
        let json = LookupJSON.encode(["displayName": hostile], pretty: true)
        // Only the pretty printer's own newlines remain raw.
        #expect(!json.utf8.contains { $0 < 0x20 && $0 != 0x0A })
        #expect(!json.split(separator: "\n").contains { $0.contains("\u{0}") })
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(json.utf8))
        #expect(decoded["displayName"] == hostile)
    }
}

@Suite struct ServerAddressCanonicalFormTests {
    @Test func atMostOneTrailingDot() throws {
        #expect(try ServerAddress.parse("imap.example.com.", field: "imap").host == "imap.example.com")
        #expect(try ServerAddress.parse("imap.example.com.:993", field: "imap") == ServerAddress(host: "imap.example.com", port: 993))
        for bad in ["imap.example.com..", "imap.example.com..:993", "imap..example.com"] {
            #expect(throws: ManualSettingsError.self, "\(bad)") { try ServerAddress.parse(bad, field: "imap") }
        }
    }
}
