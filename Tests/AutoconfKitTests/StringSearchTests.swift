@testable import AutoconfKit
import Testing

/// The byte searches that stand in front of the standard library's Character searches: a "no"
/// must mean that the Character search finds nothing either.
@Suite struct StringSearchTests {
    static let texts = [
        "", "user0@example.com", "USER0@example.com", "xuser0@example.comx", "u\u{301}ser0@example.com", "user0\u{301}@example.com",
        "\u{212A}ate@example.com", "Kate@example.com", "a\u{1FEF}b", "a`b", "a\u{37E}b", "a;b", "%EMAILADDRESS%", "%EMAIL\u{301}ADDRESS%",
        "user0%40example.com", "ünïcödé@example.com", "e\u{301}@example.com", "\r\n", "a\r\nb",
    ]
    static let needles = [
        "user0@example.com", "Kate@example.com", "a`b", "a;b", "%EMAILADDRESS%", "%EMAILLOCALPART%", "user0%40example.com",
        "ünïcödé@example.com", "é@example.com", "e\u{301}@example.com", "\n", "a\r\nb", "",
    ]

    @Test func aByteMissMeansNoCharacterMatch() {
        for text in Self.texts {
            for needle in Self.needles where !text.mayContainCharacters(of: needle) {
                #expect(!text.contains(needle), "\(text.unicodeScalars.map(\.value)) \(needle.unicodeScalars.map(\.value))")
                #expect(text.replacing(needle, with: "X") == text)
            }
        }
    }

    @Test func theCanonicalEquivalentsOfASCIIAreLeftToTheCharacterSearch() {
        // The Kelvin sign is a K, GREEK VARIA a '`', GREEK QUESTION MARK a ';' (canonically).
        #expect("\u{212A}ate@example.com".contains("Kate@example.com"))
        #expect("\u{212A}ate@example.com".mayContainCharacters(of: "Kate@example.com"))
        #expect("a\u{1FEF}b".mayContainCharacters(of: "a`b") && "a\u{37E}b".mayContainCharacters(of: "a;b"))
        #expect(!"user1@example.com".mayContainCharacters(of: "user0@example.com"))
        #expect("xuser0@example.comx".mayContainCharacters(of: "user0@example.com"))
    }

    @Test func utf8ContainsBytes() {
        #expect("abc".utf8ContainsBytes(of: "") && "abc".utf8ContainsBytes(of: "abc") && "xabcx".utf8ContainsBytes(of: "bc"))
        #expect(!"ab".utf8ContainsBytes(of: "abc") && !"abd".utf8ContainsBytes(of: "abc") && !"".utf8ContainsBytes(of: "a"))
        #expect("e\u{301}".utf8ContainsBytes(of: "e") && "aab".utf8ContainsBytes(of: "ab"))
    }

    @Test func utf8Split() {
        #expect("a".utf8Split(separator: "abc") == ["a"] && "".utf8Split(separator: "T") == [""])
        #expect("aTbTc".utf8Split(separator: "T") == ["a", "b", "c"] && "TT".utf8Split(separator: "T") == ["", "", ""])
        #expect("TTT".utf8Split(separator: "TT") == ["", "T"] && "xé\u{301}TTé".utf8Split(separator: "TT") == ["xé\u{301}", "é"])
        #expect("abc".utf8Split(separator: "") == ["abc"])
    }

    /// `trimmed` trims plain ASCII by bytes: the same as trimming whitespace Characters.
    @Test func asciiTrimmingIsCharacterTrimming() {
        func byCharacters(_ text: String) -> String {
            String(String(text.drop(while: \.isWhitespace).reversed()).drop(while: \.isWhitespace).reversed())
        }
        var texts = ["", " ", "\r\n", " \r\na b\r\n ", "a", "\u{1C}a\u{1F}", "\u{85}a\u{A0}", "é ", " \u{301}a"]
        for byte in 0..<128 {
            let c = String(UnicodeScalar(UInt8(byte)))
            texts += [c, c + "a" + c + "b" + c, c + c, "\r" + c + "\n"]
        }
        for text in texts { #expect(text.trimmed == byCharacters(text), "\(text.unicodeScalars.map(\.value))") }
    }
}
