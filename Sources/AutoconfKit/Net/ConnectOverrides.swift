/// curl's `--resolve HOST:PORT:ADDR[,ADDR…]` and `--connect-to HOST:PORT:HOST2:PORT2`, for the
/// mail prober: where to really connect for a `host:port`, while the TLS certificate is still
/// checked for the original host. Tests map `imap.example.test:993` to a server on 127.0.0.1 this
/// way; users can pin a server the same way they would with curl.
public struct ConnectOverrides: Sendable, Hashable {
    struct Resolve: Sendable, Hashable {
        var host: String
        var port: Int
        var addresses: [String]
    }

    struct ConnectTo: Sendable, Hashable {
        /// nil: any host / any port.
        var host: String?
        var port: Int?
        var toHost: String?
        var toPort: Int?
    }

    private var resolves: [Resolve] = []
    private var connects: [ConnectTo] = []

    public init() {}

    public var isEmpty: Bool { resolves.isEmpty && connects.isEmpty }

    /// Parses both lists; the error names the bad entry in one line.
    public static func parse(resolve: [String], connectTo: [String]) -> Result<ConnectOverrides, ParseError> {
        var overrides = ConnectOverrides()
        for entry in resolve {
            // HOST:PORT:ADDR — ADDR may be a bracketed IPv6 address, several comma-separated.
            let parts = entry.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, let port = Int(parts[1]), (1...65535).contains(port), Hostname.isValid(parts[0]) else {
                return .failure(ParseError(message: "--resolve '\(entry.prefix(80))': expected HOST:PORT:ADDRESS"))
            }
            var addresses: [String] = []
            for raw in parts[2].split(separator: ",").map(String.init) {
                let address = raw.hasPrefix("[") && raw.hasSuffix("]") ? String(raw.dropFirst().dropLast()) : raw
                guard DNSServerAddress.isAddress(address, family: AF_INET) || DNSServerAddress.isAddress(address, family: AF_INET6) else {
                    return .failure(ParseError(message: "--resolve '\(entry.prefix(80))': '\(raw.prefix(60))' is not an IP address"))
                }
                addresses.append(address)
            }
            guard !addresses.isEmpty else { return .failure(ParseError(message: "--resolve '\(entry.prefix(80))': no address")) }
            overrides.resolves.append(Resolve(host: parts[0].lowercased(), port: port, addresses: addresses))
        }
        for entry in connectTo {
            let parts = entry.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            func bad(_ why: String) -> Result<ConnectOverrides, ParseError> {
                .failure(ParseError(message: "--connect-to '\(entry.prefix(80))': \(why) (expected HOST:PORT:HOST2:PORT2)"))
            }
            guard parts.count == 4 else { return bad("wrong number of fields") }
            func port(_ text: String) -> Int?? {
                if text.isEmpty { return .some(nil) }
                guard let value = Int(text), (1...65535).contains(value) else { return nil }
                return .some(value)
            }
            guard let fromPort = port(parts[1]), let toPort = port(parts[3]) else { return bad("a port must be 1-65535") }
            for host in [parts[0], parts[2]] where !host.isEmpty {
                guard Hostname.isValid(host) || DNSServerAddress.isAddress(host, family: AF_INET) else { return bad("'\(host.prefix(60))' is not a hostname") }
            }
            overrides.connects.append(ConnectTo(
                host: parts[0].isEmpty ? nil : parts[0].lowercased(), port: fromPort,
                toHost: parts[2].isEmpty ? nil : parts[2].lowercased(), toPort: toPort))
        }
        return .success(overrides)
    }

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Where to connect for `host:port`: the (possibly replaced) host and port, and the addresses
    /// to use for it when `--resolve` pins them (nil: resolve the host with DNS).
    public func route(host: String, port: Int) -> (host: String, port: Int, addresses: [String]?) {
        let name = DNSPluginSupport.normalized(host)
        var target = (host: name, port: port)
        if let rule = connects.first(where: { ($0.host == nil || $0.host == name) && ($0.port == nil || $0.port == port) }) {
            target = (rule.toHost ?? name, rule.toPort ?? port)
        }
        if DNSServerAddress.isAddress(target.host, family: AF_INET) || DNSServerAddress.isAddress(target.host, family: AF_INET6) {
            return (target.host, target.port, [target.host])
        }
        let pinned = resolves.first { $0.host == target.host && $0.port == target.port }?.addresses
        return (target.host, target.port, pinned)
    }

    /// True when some rule covers `host` on any port (such a name counts as resolving).
    public func covers(host: String) -> Bool {
        let name = DNSPluginSupport.normalized(host)
        return resolves.contains { $0.host == name } || connects.contains { $0.host == name }
    }
}

#if canImport(Glibc)
import Glibc
#endif
