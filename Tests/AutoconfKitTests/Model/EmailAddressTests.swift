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
