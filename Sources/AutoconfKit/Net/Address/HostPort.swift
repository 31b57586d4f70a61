/// `HOST[:PORT]` as a user types it (`--imap`, `--smtp`, `--dns-server`), with an IPv6 address in
/// brackets when a port follows (`[::1]:993`), and the colon-separated lists of curl's
/// `--resolve` / `--connect-to`. The one place text is split into a host and a port; what a host
/// must be (a name, an address, either) is the caller's rule.
package struct HostPort: Sendable, Hashable, CustomStringConvertible {
    /// Without brackets.
    package var host: String
    package var port: Int?
    /// True when the host was written `[…]`.
    package var bracketed: Bool

    package init(host: String, port: Int? = nil, bracketed: Bool = false) {
        self.host = host
        self.port = port
        self.bracketed = bracketed
    }

    package struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        package var message: String
        package var description: String { message }
    }

    /// Splits at the port colon. Text with more than one ':' and no brackets is all host (a bare
    /// IPv6 address; the caller decides whether one is allowed without brackets).
    package static func split(_ text: String) -> Result<HostPort, Problem> {
        func fail(_ message: String) -> Result<HostPort, Problem> { .failure(Problem(message: message)) }
        var portText: Substring?
        let host: Substring
        var bracketed = false
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return fail("missing ']'") }
            host = text[text.index(after: text.startIndex)..<close]
            bracketed = true
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { return fail("expected ':PORT' after ']'") }
                portText = rest.dropFirst()
            }
        } else if let colon = text.firstIndex(of: ":"), !text[text.index(after: colon)...].contains(":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            host = Substring(text)
        }
        var port: Int?
        if let portText {
            switch parsePort(portText) {
            case .success(let value): port = value
            case .failure(let problem): return .failure(problem)
            }
        }
        return .success(HostPort(host: String(host), port: port, bracketed: bracketed))
    }

    /// 1–65535 in ASCII digits (spaces around them are ignored: `host: 993`).
    package static func parsePort(_ raw: Substring) -> Result<Int, Problem> {
        let text = raw.trimmingWhitespace()
        if text.isEmpty { return .failure(Problem(message: "the port after ':' is missing")) }
        guard text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int(text), (1...65535).contains(value) else {
            return .failure(Problem(message: "the port '\(text.prefix(10))' is not a number from 1 to 65535"))
        }
        return .success(value)
    }

    /// Splits curl's colon lists (`HOST:PORT:ADDR`, `HOST:PORT:HOST2:PORT2`) on ':' outside
    /// `[…]`; the last part keeps any remaining colons (a bare IPv6 address).
    package static func fields(_ text: String, maximum: Int) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            if character == "[" { depth += 1 }
            if character == "]" { depth -= 1 }
            if character == ":" && depth == 0 && parts.count < maximum - 1 {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }

    /// `host:port` with IPv6 in brackets, as curl and c-ares read it.
    package var description: String {
        let shown = IPAddress.bracketedIfIPv6(host)
        return port.map { "\(shown):\($0)" } ?? shown
    }
}
