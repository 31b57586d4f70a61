@testable import AutoconfKit
import Testing

/// Plain ASCII domains skip libidn2 (`IDNA.isPlainASCII`): for them the answer must be what
/// libidn2 itself gives, both ways, and everything else must still go to libidn2.
@Suite struct IDNAFastPathTests {
    static let plain = [
        "example.com", "Example.COM", "MAIL.EXAMPLE.ORG", "a_b.example", "_dmarc.example", "a-b.example", "a-b-c.example",
        "ab-cd.example", "abc--d.example", "x.xn", "xnx--a.example", "axn--b.example", "x", "a.b.c.d.e.f", "1.2.3.4", "0-0.example",
        String(repeating: "a", count: 63) + ".example",
        Array(repeating: String(repeating: "c", count: 62), count: 4).joined(separator: "."),
    ]
    static let notPlain = [
        "xn--mller-kva.de", "XN--MLLER-KVA.DE", "mail.xn--bcher-kva.example", "Xn--Bcher-kva.example", "xn--a.example",
        "-a.example", "a-.example", "ab--cd.example", "xy--z.example", "a.-b", "a.b-",
        String(repeating: "b", count: 64) + ".example", Array(repeating: String(repeating: "c", count: 60), count: 5).joined(separator: "."),
        "a..b", ".a", "a.", "",
        "müller.de", "a b.example", "a*b.example", "a/b.example", "a@b.example", "a%b", "ex\u{0}ample.com",
    ]

    @Test func plainNamesAreWhatLibidn2Makes() {
        for name in Self.plain {
            #expect(IDNA.isPlainASCII(name), "\(name)")
            let fast = IDNA.toASCII(name)
            let slow = IDNA.libidn2ToASCII(name)
            #expect(fast == slow, "\(name): \(fast) vs libidn2 \(slow)")
            #expect(IDNA.toUnicode(name) == IDNA.libidn2ToUnicode(name), "\(name)")
        }
    }

    @Test func everythingElseGoesToLibidn2() {
        for name in Self.notPlain {
            #expect(!IDNA.isPlainASCII(name), "\(name)")
            #expect(IDNA.toASCII(name) == IDNA.libidn2ToASCII(name), "\(name)")
        }
    }
}
