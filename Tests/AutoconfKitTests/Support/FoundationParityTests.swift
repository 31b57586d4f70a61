import Foundation
import Testing
@testable import AutoconfKit

/// AutoconfKit uses FoundationEssentials only (full Foundation links ICU's data: 50 MB more
/// binary and slower starts), so it has its own versions of a few full-Foundation calls. These
/// tests hold them to the originals, which this test target still has.
@Suite struct FoundationParityTests {
    /// The BMP's scripts and symbols up to CJK, its specials, and a few astral scalars.
    static let scalars: [Unicode.Scalar] = (Array(0..<0x3100) + Array(0xFE00..<0xFF10) + [0x1F600, 0xE0020, 0x10FFFF])
        .compactMap(Unicode.Scalar.init(_:))

    @Test func trimmedScalarsAreCharacterSets() {
        // Planes 0 and 1 and the tags block: the rest is CJK, private use and unassigned. One
        // mismatch list instead of a hundred thousand expectations.
        var mismatches: [String] = []
        for value in Array(UInt32(0)...0x1FFFF) + Array(0xE0000...0xE0FFF) {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(Character(scalar))
            if text.trimmingWhitespace().isEmpty != CharacterSet.whitespaces.contains(scalar) { mismatches.append("ws U+\(String(value, radix: 16))") }
            if text.trimmingWhitespaceAndNewlines().isEmpty != CharacterSet.whitespacesAndNewlines.contains(scalar) { mismatches.append("wsn U+\(String(value, radix: 16))") }
        }
        #expect(mismatches == [])
    }

    @Test func trimmingMatchesFoundation() {
        for scalar in Self.scalars {
            let c = String(Character(scalar))
            for text in [c, c + "x" + c, c + c + "x y" + c, "x" + c, c + "x", " " + c + " x"] {
                #expect(text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespaces), "U+\(String(scalar.value, radix: 16))")
                #expect(text.trimmingWhitespaceAndNewlines() == text.trimmingCharacters(in: .whitespacesAndNewlines), "U+\(String(scalar.value, radix: 16))")
                let sub = Substring(text)
                #expect(sub.trimmingWhitespace() == sub.trimmingCharacters(in: .whitespaces))
            }
        }
        // A combining mark after a space: CharacterSet trims the space only.
        #expect(" \u{301}x ".trimmingWhitespace() == " \u{301}x ".trimmingCharacters(in: .whitespaces))
        #expect("\r\n x \r\n".trimmingWhitespaceAndNewlines() == "x")
        #expect("\r\n x \r\n".trimmingWhitespace() == "\r\n x \r\n".trimmingCharacters(in: .whitespaces))
    }

    @Test func percentEncodingMatchesFoundation() {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        let mx = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~@"))
        var texts = ["jörg+tag@exämple.de", "a b/c?d#e&f=g%h", "日本@例え.jp", "e\u{301}@x", "😀@x", "٣Ⅻ@x", ""]
        texts.append(String(String.UnicodeScalarView(Self.scalars.prefix(0x300))))
        for text in texts {
            #expect(PercentEncoding.encode(text) == text.addingPercentEncoding(withAllowedCharacters: unreserved))
            #expect(PercentEncoding.encode(text) { PercentEncoding.isUnreserved($0) || $0 == UInt8(ascii: "@") }
                == text.addingPercentEncoding(withAllowedCharacters: mx))
        }
    }

    @Test func fixedPointMatchesStringFormat() {
        var values: [Double] = [0, -0.0, 0.05, 0.15, 0.25, 0.35, 1.45, 2.5, 999.95, 1234567.25, -3.75, 1e21, 1e300, -1e-300,
                                .infinity, -.infinity, .nan, .greatestFiniteMagnitude, .leastNonzeroMagnitude]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 { values.append(Double(Int.random(in: -200_000...200_000, using: &generator)) / 40) }
        for value in values {
            #expect(value.fixedPoint(places: 1) == String(format: "%.1f", value))
            #expect(value.fixedPoint(places: 1, width: 7) == String(format: "%7.1f", value))
            #expect(value.fixedPoint(places: 3) == String(format: "%.3f", value))
        }
    }

    @Test func searchAndReplaceMatchFoundation() {
        let texts = ["jo@example.com", "Jo.Doe@example.com and jo%40example.com", "jörg@exämple.de: jörg@exämple.de", "",
                     "<?xml version=\"1.0\"?>\n<plist/>", "* OK [CAPABILITY IMAP4rev1 SASL-IR] ready", "SSL connection using TLSv1.3 / X"]
        for text in texts {
            for needle in ["jo@example.com", "jörg@exämple.de", "?>\n", "[CAPABILITY ", "SSL connection using ", "://"] {
                #expect(text.replacing(needle, with: "%EMAILADDRESS%") == text.replacingOccurrences(of: needle, with: "%EMAILADDRESS%"))
                #expect(text.firstRange(of: needle).map { text.distance(from: text.startIndex, to: $0.upperBound) }
                    == text.range(of: needle).map { text.distance(from: text.startIndex, to: $0.upperBound) })
            }
        }
    }

    /// Unlike NSString's padding (UTF-16 units, cutting longer text), the report pads by
    /// Characters, as its column widths count, and never cuts.
    @Test func tableColumnsStayAlignedWithNonASCIICells() {
        let lines = TextReport.table([["", "SERVER", "USERNAME", "DOMAIN"], ["incoming", "imap.example.de", "jörg@exämple.de", "example.de"],
                                      ["", "mail.example.de", "e\u{301}😀@x.de", "example.de"]])
        // The DOMAIN column starts at the same character in both rows.
        let domainColumn = lines.dropFirst().map { line in line.distance(from: line.startIndex, to: line.firstRange(of: " example.de")!.upperBound) }
        #expect(Set(domainColumn).count == 1)
        #expect(TextReport.padded("much longer than sixteen", to: 16) == "much longer than sixteen")
        #expect(TextReport.padded("jörg", to: 8) == "jörg    ")
    }
}
