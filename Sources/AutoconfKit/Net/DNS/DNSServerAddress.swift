#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One `--dns-server HOST[:PORT]`: an IPv4 or IPv6 address (c-ares talks to addresses, not
/// names), with an optional port, default 53. IPv6 with a port is written `[::1]:5353`.
public struct DNSServerAddress: Sendable, Hashable, CustomStringConvertible {
    package var host: String
    package var port: Int
    package var isIPv6: Bool

    package init(host: String, port: Int = 53, isIPv6: Bool) {
        self.host = host
        self.port = port
        self.isIPv6 = isIPv6
    }

    /// Why a `--dns-server` value cannot be used (`message` is the one line shown).
    public struct ParseError: Error, Sendable, Equatable {
        package var message: String
    }

    /// Parses `ADDRESS[:PORT]` (IPv6 in brackets with a port): IP addresses only, so the resolver needs no resolver.
    public static func parse(_ text: String) -> Result<DNSServerAddress, ParseError> {
        let input = text.trimmingWhitespace()
        func fail(_ why: String) -> Result<DNSServerAddress, ParseError> {
            .failure(ParseError(message: "--dns-server '\(text.prefix(80))': \(why) (expected an IP address with an optional :PORT)"))
        }
        let split: HostPort
        switch HostPort.split(input) {
        case .success(let value): split = value
        case .failure(let problem): return fail(problem.message)
        }
        let host = split.host, port = split.port ?? 53
        if IPAddress.isIPv4(host) { return .success(DNSServerAddress(host: host, port: port, isIPv6: false)) }
        if IPAddress.isIPv6(host) { return .success(DNSServerAddress(host: host, port: port, isIPv6: true)) }
        return fail(host.isEmpty ? "no address" : "'\(host.prefix(60))' is not an IP address")
    }

    /// Every entry of a server list, or the first one's problem (both resolvers' setup).
    static func parseAll(_ entries: [String]) throws(DNSError) -> [DNSServerAddress] {
        try entries.map { entry throws(DNSError) in
            switch parse(entry) {
            case .success(let address): return address
            case .failure(let error): throw .other(error.message)
            }
        }
    }

    /// 127.0.0.0/8 or ::1: a resolver on this machine, the only one whose AD bit can be
    /// believed (`--trust-resolver-ad`); the path to any other crosses the network unprotected.
    package var isLoopback: Bool { isIPv6 ? host == "::1" || host == "0:0:0:0:0:0:0:1" : host.hasPrefix("127.") }

    /// The form `ares_set_servers_ports_csv` takes.
    var caresForm: String { HostPort(host: host, port: port).description }

    /// The form `ub_ctx_set_fwd` takes.
    var unboundForm: String { "\(host)@\(port)" }

    /// The address as c-ares takes it (`[v6]:port` or `v4:port`).
    public var description: String { caresForm }
}
