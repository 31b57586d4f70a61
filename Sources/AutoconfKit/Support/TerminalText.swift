/// Remote text (display names, instructions, usernames, server greetings and refusals, redirect
/// targets) made safe for a terminal. Every text output passes its lines through `sanitized`: a
/// CR, an escape sequence (ESC or the one-character CSI U+009B) or a bidi override could otherwise
/// overwrite or reorder what the user reads, e.g. draw a fake `trust trusted` line.
package enum TerminalText {
    /// True for what `sanitized` escapes: C0 and C1 controls, DEL, U+0085, U+2028/U+2029, and the
    /// bidi controls (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069).
    package static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        switch value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// `text` with every unsafe scalar replaced by a visible Swift-style escape (`\u{9b}`), and
    /// backslashes left as they are. One line of output stays one line.
    package static func sanitized(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) {
                result.append(contentsOf: "\\u{\(String(scalar.value, radix: 16))}".unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// Multi-line text of our own (lines joined by "\n") whose lines may hold remote text: each
    /// line sanitized, the newlines between them kept.
    package static func sanitizedLines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { sanitized(String($0)) }.joined(separator: "\n")
    }
}
