/// Which ASCII characters are whitespace, by `Character.isWhitespace` itself.
private let asciiWhitespace: [Bool] = (0..<128).map { Character(UnicodeScalar(UInt8($0))).isWhitespace }

/// Small string helpers on the standard library alone. Foundation's NSString-bridged versions of
/// these (`trimmingCharacters`, `replacingOccurrences`, `contains`) dominated the offline lookup
/// profile, and these run on every field of every document.
extension StringProtocol {
    /// Without leading and trailing whitespace and newlines (Unicode's definition).
    package var trimmed: String {
        // Plain ASCII: its Characters are its bytes but "\r\n", whose bytes are both whitespace,
        // so trimming whitespace bytes is trimming whitespace Characters (a batch trims every line).
        if let ascii = utf8.withContiguousStorageIfAvailable({ bytes -> String? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            guard let first = bytes.firstIndex(where: { !asciiWhitespace[Int($0)] }) else { return "" }
            let last = bytes.lastIndex(where: { !asciiWhitespace[Int($0)] })!
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[first...last]), as: UTF8.self)
        }), let ascii {
            return ascii
        }
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }

    /// True when the UTF-8 bytes contain `byte` (an ASCII character).
    func containsByte(_ byte: UInt8) -> Bool {
        // The contiguous bytes when there are (native strings): the UTF8View's iterator costs
        // far more per byte than a loop over a buffer.
        utf8.withContiguousStorageIfAvailable { $0.contains(byte) } ?? utf8.contains(byte)
    }
}

extension String {
    /// Replaces every `%NAME%` token found in `values`; other text (and unknown tokens) unchanged.
    func replacingTokens(_ values: [(String, String)]) -> String {
        guard containsByte(UInt8(ascii: "%")) else { return self }
        var result = ""
        var rest = Substring(self)
        while let start = rest.firstIndex(of: "%") {
            result += rest[..<start]
            let afterStart = rest.index(after: start)
            guard let end = rest[afterStart...].firstIndex(of: "%") else {
                rest = rest[start...]
                break
            }
            let token = rest[start...end]
            if let value = values.first(where: { $0.0 == token })?.1 {
                result += value
                rest = rest[rest.index(after: end)...]
            } else {
                // Not a placeholder: keep the first '%' and continue scanning from the second.
                result += "%"
                rest = rest[afterStart...]
            }
        }
        result += rest
        return result
    }
}
