import AutoconfKit
import Testing

@Suite struct EmailAddressTests {
    @Test func parsesAndLowercasesDomain() throws {
        let email = try EmailAddress("Alice.Smith@Example.ORG")
        #expect(email.localPart == "Alice.Smith")
        #expect(email.domain == "example.org")
        #expect(email.address == "Alice.Smith@example.org")
    }

    @Test func convertsInternationalDomainToALabels() throws {
        let email = try EmailAddress("jörg@müller.de")
        #expect(email.domain == "xn--mller-kva.de")
        #expect(email.localPart == "jörg")
        #expect(email.unicodeDomain == "müller.de")
        #expect(try EmailAddress("a@BÜCHER.example").domain == "xn--bcher-kva.example")
    }

    @Test func trimsSurroundingWhitespaceOnly() throws {
        #expect(try EmailAddress("  a@b.example ").address == "a@b.example")
        #expect(throws: AddressError.whitespace) { try EmailAddress("a b@c.example") }
    }

    @Test(arguments: [
        ("a@", AddressError.emptyDomain),
        ("@b.example", AddressError.emptyLocalPart),
        ("a@b@c.example", AddressError.multipleAt),
        ("plainaddress", AddressError.missingAt),
        ("", AddressError.empty),
    ])
    func rejectsGarbage(input: String, expected: AddressError) {
        #expect(throws: expected) { try EmailAddress(input) }
    }

    @Test func rejectsControlCharactersAndBadLabels() {
        #expect(throws: AddressError.self) { try EmailAddress("a\u{7}@b.example") }
        #expect(throws: AddressError.self) { try EmailAddress("a@b\n.example") }
        #expect(throws: AddressError.self) { try EmailAddress("a@" + String(repeating: "x", count: 64) + ".example") }
        #expect(throws: AddressError.self) { try EmailAddress("a@localhost") }
        #expect(throws: AddressError.self) { try EmailAddress("a@exa mple.com") }
        #expect(throws: AddressError.self) { try EmailAddress("a@exa;mple.com") }
        #expect(throws: AddressError.self) { try EmailAddress("a@-bad.example") }
        #expect(throws: AddressError.self) { try EmailAddress("a@b..example") }
        #expect(throws: AddressError.self) { try EmailAddress(String(repeating: "l", count: 65) + "@b.example") }
        #expect(throws: AddressError.self) { try EmailAddress("a..b@c.example") }
    }

    /// The checks of plain ASCII addresses compare bytes; these pin the errors both forms give.
    @Test(arguments: [
        ("a\u{7}@b.example", AddressError.controlCharacter(7)), ("a\u{7F}@b.example", .controlCharacter(0x7F)),
        ("a\tb@c.example", .controlCharacter(9)), ("ä\u{85}@b.example", .controlCharacter(0x85)), ("a\u{85}@b.example", .controlCharacter(0x85)),
        ("a b@c.example", .whitespace), ("ä b@c.example", .whitespace),
        ("a(b@c.example", .invalidLocalPart("character '(' is not allowed in the local part")),
        ("a\"b@c.example", .invalidLocalPart("character '\"' is not allowed in the local part")),
        ("a\\b@c.example", .invalidLocalPart("character '\\' is not allowed in the local part")),
        ("ä;b@c.example", .invalidLocalPart("character ';' is not allowed in the local part")),
        ("a..b@c.example", .invalidLocalPart("dots may not start, end or repeat in the local part")),
        ("ä..b@c.example", .invalidLocalPart("dots may not start, end or repeat in the local part")),
        // A combining mark makes "." + U+0301 one Character: no repeated dot, no '(' either.
        ("a.\u{301}.b@c.example", nil), ("a(\u{301}b@c.example", nil),
    ] as [(String, AddressError?)])
    func asciiAndUnicodeChecksAgree(input: String, expected: AddressError?) {
        if let expected {
            #expect(throws: expected) { try EmailAddress(input) }
        } else {
            #expect(throws: Never.self) { try EmailAddress(input) }
        }
    }

    /// A batch parses with a memo of its domains: the same addresses and the same errors, in the
    /// same order of checks (a bad local part is named before a bad domain seen before).
    @Test func theDomainMemoChangesNothing() {
        let inputs = [
            "Alice@Example.ORG", "bob@Example.ORG", "jörg@müller.de", "x@MÜLLER.de", "a(b@bad..example", "ok@bad..example", "ok@bad..example",
            "a@localhost", "b@localhost", "c@co.uk", "d@co.uk", "e@Example.ORG.", "f@example.org", String(repeating: "l", count: 64) + "@example.org",
            String(repeating: "l", count: 64) + "@" + String(repeating: "d", count: 60) + "." + String(repeating: "e", count: 60) + "."
                + String(repeating: "f", count: 60) + ".example", "a@[192.0.2.1]", "@example.org", "a@", "a@@example.org",
        ]
        func outcome(_ parse: () throws(AddressError) -> EmailAddress) -> String {
            do {
                let email = try parse()
                return "\(email.localPart) \(email.domain) \(email.unicodeDomain)"
            } catch {
                return "error: \(error)"
            }
        }
        var memo = EmailAddress.DomainMemo()
        for input in inputs + inputs {
            #expect(outcome { () throws(AddressError) in try EmailAddress(input, memo: &memo) } == outcome { () throws(AddressError) in try EmailAddress(input) }, "\(input)")
        }
    }

    @Test func errorMessagesNameTheProblem() {
        do {
            _ = try EmailAddress("a@b@c.example")
            Issue.record("no error")
        } catch {
            #expect(error.description == "the address has more than one '@'")
        }
    }
}

/// Hostname validation (RFC 1123 labels, 253 characters): the fast byte pass and the messages agree.
@Suite struct HostnameTests {
    @Test(arguments: [
        ("imap.example.com", true), ("imap.example.com.", true), ("a", true), ("xn--mller-kva.de", true),
        ("_imaps._tcp.example.com", true), ("MAIL.Example.COM", true), ("mx-1.example.com", true),
        (String(repeating: "a", count: 63) + ".com", true),
        ("", false), (".", false), ("a..b", false), (".a.b", false), ("a.b..", false), ("-a.b", false), ("a-.b", false),
        ("a.-b", false), ("a.b-", false), ("a b.com", false), ("a\u{0}.com", false), ("müller.de", false), ("a;rm -rf.com", false),
        (String(repeating: "a", count: 64) + ".com", false),
        (HostnameTests.name(length: 253), true), (HostnameTests.name(length: 253) + ".", true), (HostnameTests.name(length: 254), false),
    ])
    func validation(name: String, valid: Bool) {
        #expect(Hostname.isValid(name) == valid, "\(name)")
        #expect((Hostname.problem(name) == nil) == valid)
    }

    /// Three 63-character labels and a last one that makes `length` characters in all.
    static func name(length: Int) -> String {
        let label = String(repeating: "a", count: 63)
        return [label, label, label, String(repeating: "b", count: length - 3 * 64)].joined(separator: ".")
    }
}

/// ASCII addresses are checked byte by byte (`EmailAddress.init`): every ASCII character in every
/// position must get the verdict of the Unicode checks, as written here once more.
@Suite struct EmailAddressASCIIPathTests {
    /// The Unicode path's first checks: control, whitespace, then after the split the specials.
    static func reference(_ input: String) -> AddressError? {
        let trimmed = input.trimmed
        if let bad = trimmed.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) { return .controlCharacter(bad.value) }
        if trimmed.contains(where: { $0 == " " || $0 == "\t" }) { return .whitespace }
        let pieces = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard pieces.count == 2, !pieces[0].isEmpty, !pieces[1].isEmpty else { return nil }
        let local = String(pieces[0])
        guard local.utf8.count <= 64 else { return nil }
        guard !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else {
            return .invalidLocalPart("dots may not start, end or repeat in the local part")
        }
        if let bad = local.first(where: { "()<>[]:;,\\\"".contains($0) }) {
            return .invalidLocalPart("character '\(bad)' is not allowed in the local part")
        }
        return nil
    }

    @Test func everyASCIICharacterGetsTheUnicodeChecksVerdict() {
        for byte in UInt8(0)..<0x80 {
            let character = String(UnicodeScalar(byte))
            for input in ["a\(character)b@example.com", "\(character)@example.com", "ab@ex\(character)ample.com", "a\r\(character)@example.com",
                          "a.\(character)@example.com", "a\(character).b@example.com", ".\(character)@example.com"] {
                var got: AddressError?
                do { _ = try EmailAddress(input) } catch { got = error }
                guard let expected = Self.reference(input) else { continue }
                #expect(got == expected, "\(input.debugDescription): \(String(describing: got)) vs \(expected)")
            }
        }
    }
}
