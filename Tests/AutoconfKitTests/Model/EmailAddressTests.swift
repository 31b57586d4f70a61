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
