/// curl's `--resolve HOST:PORT:ADDR[,ADDR…]` and `--connect-to HOST:PORT:HOST2:PORT2`: where to
/// really connect for a `host:port`, while the TLS certificate is still checked for the original
/// host. Tests map `imap.example.test:993` to a server on 127.0.0.1 this way; users can pin a
/// server the same way they would with curl. Parsed once (`parse`), then used as typed rules by
/// the HTTP client (which hands libcurl `curlResolve` / `curlConnectTo`, built from the rules),
/// the mail prober and the login test.
package struct ConnectOverrides: Sendable, Hashable {
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

    package init() {}

    package var isEmpty: Bool { resolves.isEmpty && connects.isEmpty }

    /// Parses both lists, as curl reads `--resolve` and `--connect-to`: the only parser of these
    /// options. The error names the bad entry and what is wrong with it in one line. IPv6
    /// addresses may be bracketed (`[::1]`).
    package static func parse(resolve: [String], connectTo: [String]) -> Result<ConnectOverrides, ParseError> {
        var overrides = ConnectOverrides()
        for entry in resolve {
            switch parseResolve(entry) {
            case .success(let rule): overrides.resolves.append(rule)
            case .failure(let why): return .failure(ParseError(message: "--resolve \(entry.prefix(80)): \(why.text)"))
            }
        }
        for entry in connectTo {
            switch parseConnectTo(entry) {
            case .success(let rule): overrides.connects.append(rule)
            case .failure(let why): return .failure(ParseError(message: "--connect-to \(entry.prefix(80)): \(why.text)"))
            }
        }
        return .success(overrides)
    }

    struct Why: Error { var text: String }

    /// `HOST:PORT:ADDR[,ADDR…]` (IPv6 addresses may be bracketed).
    private static func parseResolve(_ entry: String) -> Result<Resolve, Why> {
        let parts = HostPort.fields(entry, maximum: 3)
        guard parts.count == 3 else { return .failure(Why(text: "expected HOST:PORT:ADDRESS")) }
        guard Hostname.isValid(parts[0]) else { return .failure(Why(text: "'\(parts[0])' is not a hostname")) }
        guard let port = Int(parts[1]), (1...65535).contains(port) else { return .failure(Why(text: "port '\(parts[1])' is not in 1–65535")) }
        var addresses: [String] = []
        for address in parts[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            let bare = IPAddress.unbracketed(address)
            guard IPAddress.isLiteral(bare) else { return .failure(Why(text: "'\(address)' is not an IP address")) }
            addresses.append(bare)
        }
        return .success(Resolve(host: Hostname.normalized(parts[0]), port: port, addresses: addresses))
    }

    /// `HOST:PORT:CONNECT-HOST:CONNECT-PORT` (every part may be empty, as in curl).
    private static func parseConnectTo(_ entry: String) -> Result<ConnectTo, Why> {
        let parts = HostPort.fields(entry, maximum: 4)
        guard parts.count == 4 else { return .failure(Why(text: "expected HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT")) }
        var hosts: [String?] = []
        for host in [parts[0], parts[2]] {
            if host.isEmpty { hosts.append(nil); continue }
            let bare = IPAddress.unbracketed(host)
            guard Hostname.isValid(host) || IPAddress.isLiteral(bare) else { return .failure(Why(text: "'\(host)' is not a hostname or IP address")) }
            hosts.append(IPAddress.isLiteral(bare) ? bare : Hostname.normalized(host))
        }
        var ports: [Int?] = []
        for port in [parts[1], parts[3]] {
            if port.isEmpty { ports.append(nil); continue }
            guard let value = Int(port), (1...65535).contains(value) else { return .failure(Why(text: "port '\(port)' is not in 1–65535")) }
            ports.append(value)
        }
        return .success(ConnectTo(host: hosts[0], port: ports[0], toHost: hosts[1], toPort: ports[1]))
    }

    package struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        package var message: String
        package var description: String { message }
    }

    /// Where to connect for `host:port`: the (possibly replaced) host and port, and the addresses
    /// to use for it when `--resolve` pins them (nil: resolve the host with DNS).
    package func route(host: String, port: Int) -> (host: String, port: Int, addresses: [String]?) {
        let name = Hostname.normalized(host)
        var target = (host: name, port: port)
        if let rule = connects.first(where: { ($0.host == nil || $0.host == name) && ($0.port == nil || $0.port == port) }) {
            target = (rule.toHost ?? name, rule.toPort ?? port)
        }
        if IPAddress.isLiteral(target.host) { return (target.host, target.port, [target.host]) }
        let pinned = resolves.first { $0.host == target.host && $0.port == target.port }?.addresses
        return (target.host, target.port, pinned)
    }

    /// True when a rule decides where `host:port` goes (a pin, another host or another port):
    /// such a connection is not resolved with DNS first.
    package func decides(host: String, port: Int) -> Bool {
        guard !isEmpty else { return false }
        let route = route(host: host, port: port)
        return route.addresses != nil || route.host != Hostname.normalized(host) || route.port != port
    }

    /// True when some rule covers `host` on any port (such a name counts as resolving).
    package func covers(host: String) -> Bool {
        let name = Hostname.normalized(host)
        return resolves.contains { $0.host == name } || connects.contains { $0.host == name }
    }

    /// The rules as libcurl's `CURLOPT_RESOLVE` lines, written from the parsed values.
    package var curlResolve: [String] {
        resolves.map { "\($0.host):\($0.port):" + $0.addresses.map(IPAddress.bracketedIfIPv6).joined(separator: ",") }
    }

    /// The rules as libcurl's `CURLOPT_CONNECT_TO` lines, written from the parsed values.
    package var curlConnectTo: [String] {
        connects.map { rule in
            [rule.host.map(IPAddress.bracketedIfIPv6) ?? "", rule.port.map(String.init) ?? "",
             rule.toHost.map(IPAddress.bracketedIfIPv6) ?? "", rule.toPort.map(String.init) ?? ""].joined(separator: ":")
        }
    }

    /// The same rules with `host:port` pinned to `addresses` (resolved by autoconf's own DNS),
    /// unless a rule of the user's already pins that host and port: the user's entry wins.
    package func pinning(host: String, port: Int, to addresses: [String]) -> ConnectOverrides {
        let name = Hostname.normalized(host)
        guard !addresses.isEmpty, !resolves.contains(where: { $0.host == name && $0.port == port }) else { return self }
        var copy = self
        copy.resolves.append(Resolve(host: name, port: port, addresses: addresses))
        return copy
    }
}
