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

    /// Parses both lists, as curl reads `--resolve` and `--connect-to`: the only parser of these
    /// options (the HTTP client's check and the prober use it). The error names the bad entry and
    /// what is wrong with it in one line. IPv6 addresses may be bracketed (`[::1]`).
    public static func parse(resolve: [String], connectTo: [String]) -> Result<ConnectOverrides, ParseError> {
        var overrides = ConnectOverrides()
        for entry in resolve {
            if let why = resolveProblem(entry) { return .failure(ParseError(message: "--resolve \(entry.prefix(80)): \(why)")) }
            let parts = splitOutsideBrackets(entry, maxParts: 3)
            let addresses = parts[2].split(separator: ",").map { unbracketed(String($0)) }
            overrides.resolves.append(Resolve(host: parts[0].lowercased(), port: Int(parts[1]) ?? 0, addresses: addresses))
        }
        for entry in connectTo {
            if let why = connectToProblem(entry) { return .failure(ParseError(message: "--connect-to \(entry.prefix(80)): \(why)")) }
            let parts = splitOutsideBrackets(entry, maxParts: 4)
            overrides.connects.append(ConnectTo(
                host: parts[0].isEmpty ? nil : unbracketed(parts[0]).lowercased(), port: Int(parts[1]),
                toHost: parts[2].isEmpty ? nil : unbracketed(parts[2]).lowercased(), toPort: Int(parts[3])))
        }
        return .success(overrides)
    }

    /// Checks `HOST:PORT:ADDR[,ADDR…]` (IPv6 addresses may be bracketed).
    public static func resolveProblem(_ entry: String) -> String? {
        let parts = splitOutsideBrackets(entry, maxParts: 3)
        guard parts.count == 3 else { return "expected HOST:PORT:ADDRESS" }
        guard Hostname.isValid(parts[0]) else { return "'\(parts[0])' is not a hostname" }
        guard let port = Int(parts[1]), (1...65535).contains(port) else { return "port '\(parts[1])' is not in 1–65535" }
        let addresses = parts[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        for address in addresses where !isIPAddress(address) {
            return "'\(address)' is not an IP address"
        }
        return nil
    }

    /// Checks `HOST:PORT:CONNECT-HOST:CONNECT-PORT` (every part may be empty, as in curl).
    public static func connectToProblem(_ entry: String) -> String? {
        let parts = splitOutsideBrackets(entry, maxParts: 4)
        guard parts.count == 4 else { return "expected HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT" }
        for host in [parts[0], parts[2]] where !host.isEmpty && !Hostname.isValid(host) && !isIPAddress(host) {
            return "'\(host)' is not a hostname or IP address"
        }
        for port in [parts[1], parts[3]] where !port.isEmpty {
            guard let value = Int(port), (1...65535).contains(value) else { return "port '\(port)' is not in 1–65535" }
        }
        return nil
    }

    static func isIPAddress(_ text: String) -> Bool {
        var value = text
        if value.hasPrefix("[") && value.hasSuffix("]") { value = String(value.dropFirst().dropLast()) }
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, value, &v4) == 1 || inet_pton(AF_INET6, value, &v6) == 1
    }

    /// Splits on ':' except inside `[…]`; the last part keeps any remaining colons (bare IPv6).
    static func splitOutsideBrackets(_ text: String, maxParts: Int) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            if character == "[" { depth += 1 }
            if character == "]" { depth -= 1 }
            if character == ":" && depth == 0 && parts.count < maxParts - 1 {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }

    static func unbracketed(_ text: String) -> String {
        text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
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
