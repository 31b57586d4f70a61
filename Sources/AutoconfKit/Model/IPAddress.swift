#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// IP address literals, which a user may type for a server (`--imap [::1]:993`). They are not
/// hostnames, so `Hostname` rejects them; this accepts exactly what inet_pton accepts.
public enum IPAddress {
    public static func isIPv4(_ text: String) -> Bool {
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1
    }

    public static func isIPv6(_ text: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }

    public static func isLiteral(_ text: String) -> Bool { isIPv4(text) || isIPv6(text) }
}
