#if canImport(Glibc)
import Glibc
#endif

/// One `--dns-server HOST[:PORT]`: an IPv4 or IPv6 address (c-ares talks to addresses, not
/// names), with an optional port, default 53. IPv6 with a port is written `[::1]:5353`.
public struct DNSServerAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var isIPv6: Bool

    public init(host: String, port: Int = 53, isIPv6: Bool) {
        self.host = host
        self.port = port
        self.isIPv6 = isIPv6
    }

    public struct ParseError: Error, Sendable, Equatable {
        public var message: String
    }

    public static func parse(_ text: String) -> Result<DNSServerAddress, ParseError> {
        let input = text.trimmingWhitespace()
        func fail(_ why: String) -> Result<DNSServerAddress, ParseError> {
            .failure(ParseError(message: "--dns-server '\(text.prefix(80))': \(why) (expected an IP address with an optional :PORT)"))
        }
        var host = input
        var portText: String?
        if input.hasPrefix("[") {
            guard let close = input.firstIndex(of: "]") else { return fail("missing ']'") }
            host = String(input[input.index(after: input.startIndex)..<close])
            let rest = input[input.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { return fail("unexpected text after ']'") }
                portText = String(rest.dropFirst())
            }
        } else if input.filter({ $0 == ":" }).count == 1, let colon = input.firstIndex(of: ":") {
            host = String(input[..<colon])
            portText = String(input[input.index(after: colon)...])
        }
        var port = 53
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else { return fail("the port must be 1-65535") }
            port = value
        }
        if isAddress(host, family: AF_INET) { return .success(DNSServerAddress(host: host, port: port, isIPv6: false)) }
        if isAddress(host, family: AF_INET6) { return .success(DNSServerAddress(host: host, port: port, isIPv6: true)) }
        return fail(host.isEmpty ? "no address" : "'\(host.prefix(60))' is not an IP address")
    }

    /// 127.0.0.0/8 or ::1: a resolver on this machine, the only one whose AD bit can be
    /// believed (`--trust-resolver-ad`); the path to any other crosses the network unprotected.
    public var isLoopback: Bool { isIPv6 ? host == "::1" || host == "0:0:0:0:0:0:0:1" : host.hasPrefix("127.") }

    /// The form `ares_set_servers_ports_csv` takes.
    var caresForm: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public var description: String { caresForm }

    static func isAddress(_ text: String, family: Int32) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16)
        return !text.isEmpty && inet_pton(family, text, &buffer) == 1
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
