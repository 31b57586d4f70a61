#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// What the user can set about the HTTP layer: extra trusted roots, host mappings (curl's
/// `--resolve` and `--connect-to`, which are also how the test suite reaches its local server) and
/// the connect timeout. Validated before any request so a typo is a one-line error, not a failed
/// lookup.
public struct HTTPClientConfiguration: Sendable, Hashable {
    /// A PEM bundle trusted in addition to the system roots (enterprise CAs, test CAs).
    public var caFile: String?
    /// `HOST:PORT:ADDR[,ADDR…]`: connect to ADDR whenever HOST:PORT is requested (curl `--resolve`).
    public var resolve: [String]
    /// `HOST:PORT:CONNECT-HOST:CONNECT-PORT`: connect elsewhere, keeping the requested name for
    /// SNI, the certificate check and the Host header (curl `--connect-to`; empty parts match any).
    public var connectTo: [String]
    /// How long a TCP + TLS connection may take (the request timeout still applies on top).
    public var connectTimeout: Duration
    public var userAgent: String

    public static let defaultUserAgent = "autoconf/\(AutoconfVersion.string)"

    public init(
        caFile: String? = nil, resolve: [String] = [], connectTo: [String] = [], connectTimeout: Duration = .seconds(3),
        userAgent: String = HTTPClientConfiguration.defaultUserAgent
    ) {
        self.caFile = caFile
        self.resolve = resolve
        self.connectTo = connectTo
        self.connectTimeout = connectTimeout
        self.userAgent = userAgent
    }

    /// The first problem, as the one line a user sees, or nil when everything is usable.
    public func problem() -> String? {
        if let caFile {
            guard let data = FileManager.default.contents(atPath: caFile) else { return "--ca-file \(caFile): cannot read the file" }
            guard String(decoding: data, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
                return "--ca-file \(caFile): no PEM certificate in the file"
            }
        }
        for entry in resolve {
            if let why = Self.resolveProblem(entry) { return "--resolve \(entry): \(why)" }
        }
        for entry in connectTo {
            if let why = Self.connectToProblem(entry) { return "--connect-to \(entry): \(why)" }
        }
        return nil
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
}
