#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// IP address literals, which a user may type for a server (`--imap [::1]:993`). They are not
/// hostnames, so `Hostname` rejects them; this accepts what inet_pton accepts, judged on the
/// exact bytes: inet_pton reads a C string and stops at the first NUL, so "192.0.2.1\0\nrest"
/// would pass it whole. Only the characters a literal can contain are allowed before it runs.
public enum IPAddress {
    /// Digits, hex letters, '.', ':' and at most 45 bytes (the longest IPv6 text form).
    static func hasLiteralBytes(_ text: String) -> Bool {
        let bytes = text.utf8
        guard !bytes.isEmpty, bytes.count <= 45 else { return false }
        return bytes.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
                || byte == 0x2E || byte == 0x3A
        }
    }

    public static func isIPv4(_ text: String) -> Bool {
        guard hasLiteralBytes(text) else { return false }
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1
    }

    public static func isIPv6(_ text: String) -> Bool {
        guard hasLiteralBytes(text) else { return false }
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }

    public static func isLiteral(_ text: String) -> Bool { isIPv4(text) || isIPv6(text) }
}
