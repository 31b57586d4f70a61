#if canImport(Glibc)
import Glibc
#endif

/// IP address literals, which a user may type for a server (`--imap [::1]:993`,
/// `--dns-server ::1`, `--resolve HOST:PORT:ADDR`). They are not hostnames, so `Hostname` rejects
/// them; this accepts what inet_pton accepts, judged on the exact bytes: inet_pton reads a C
/// string and stops at the first NUL, so "192.0.2.1\0\nrest" would pass it whole. Only the
/// characters a literal can contain are allowed before it runs.
package enum IPAddress {
    /// Digits, hex letters, '.', ':' and at most 45 bytes (the longest IPv6 text form).
    static func hasLiteralBytes(_ text: String) -> Bool {
        let bytes = text.utf8
        guard !bytes.isEmpty, bytes.count <= 45 else { return false }
        return bytes.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
                || byte == 0x2E || byte == 0x3A
        }
    }

    package static func isIPv4(_ text: String) -> Bool {
        guard hasLiteralBytes(text) else { return false }
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1
    }

    package static func isIPv6(_ text: String) -> Bool {
        guard hasLiteralBytes(text) else { return false }
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }

    package static func isLiteral(_ text: String) -> Bool { isIPv4(text) || isIPv6(text) }

    /// `[::1]` → `::1`; anything else unchanged.
    package static func unbracketed(_ text: String) -> String {
        text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
    }

    /// The form that goes into `host:port` text (curl's lists, c-ares, messages): IPv6 in brackets.
    package static func bracketedIfIPv6(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }

    /// True for names a resolver or libc would read as an IPv4 number although inet_pton does
    /// not: `127.1`, `0x7f.0.0.1`, `2130706433`, and any name whose last label is all digits
    /// (no top-level domain is). Such a name passes the hostname rules, but what is shown is not
    /// what is dialled, so no server or HTTP host may be one.
    package static func looksNumeric(_ name: String) -> Bool {
        // Runs for every server of every answer: one pass over the bytes, no allocation unless
        // the name could be a number at all.
        var bytes = Substring(name).utf8
        if bytes.last == 0x2E { bytes = bytes.dropLast() }
        guard !bytes.isEmpty else { return false }
        var lastLabelIsDigits = true, lastLabelLength = 0
        var couldBeNumber = true
        for byte in bytes {
            let digit = byte >= 0x30 && byte <= 0x39
            if byte == 0x2E { lastLabelIsDigits = true; lastLabelLength = 0; continue }
            lastLabelLength += 1
            if !digit { lastLabelIsDigits = false }
            let hex = (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46) || byte == 0x78 || byte == 0x58
            if !digit && !hex { couldBeNumber = false }
        }
        if lastLabelIsDigits && lastLabelLength > 0 { return true }
        // inet_aton, like inet_pton, stops at a NUL; a NUL is no hex digit, so none gets here.
        guard couldBeNumber else { return false }
        var address = in_addr()
        return inet_aton(String(Substring(bytes)), &address) != 0
    }
}
