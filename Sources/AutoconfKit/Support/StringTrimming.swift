/// Foundation's `trimmingCharacters(in: .whitespaces)` and `(in: .whitespacesAndNewlines)` on the
/// standard library alone: they are the only reason for CharacterSet, which lives in full
/// Foundation (and links ICU's data, 34 MB, and slows every process start). They work on Unicode
/// scalars with exactly CharacterSet's sets, so a stray combining mark after a space stays, as it
/// did; `trimmed` (Character-based) is the faster choice where that does not matter.
extension StringProtocol {
    /// Without leading and trailing tabs and Unicode spaces (General Category Zs, and U+200B ZERO
    /// WIDTH SPACE, which CharacterSet still counts); line breaks stay.
    package func trimmingWhitespace() -> String { trimmingScalars(where: Self.isWhitespace) }

    /// Without leading and trailing tabs, Unicode spaces and separators (Z*, and U+200B), and line
    /// breaks (U+000A–U+000D, U+0085).
    package func trimmingWhitespaceAndNewlines() -> String { trimmingScalars(where: Self.isWhitespaceOrNewline) }

    private func trimmingScalars(where isTrimmed: (Unicode.Scalar) -> Bool) -> String {
        let scalars = Substring(self).unicodeScalars
        guard let first = scalars.firstIndex(where: { !isTrimmed($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isTrimmed($0) })!
        return String(scalars[first...last])
    }

    /// CharacterSet.whitespaces.
    private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value == 0x20 || scalar.value == 0x09 { return true }
        if scalar.isASCII { return false }
        return scalar.value == 0x200B || scalar.properties.generalCategory == .spaceSeparator
    }

    /// CharacterSet.whitespacesAndNewlines.
    private static func isWhitespaceOrNewline(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0x85, 0x200B: return true
        case 0..<0x80: return false
        default:
            switch scalar.properties.generalCategory {
            case .spaceSeparator, .lineSeparator, .paragraphSeparator: return true
            default: return false
            }
        }
    }
}
