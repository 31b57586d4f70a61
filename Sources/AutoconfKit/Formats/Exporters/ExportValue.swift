#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The checks every exported value passes. Hostnames must be DNS names or IP literals, ports
/// 1–65535; free text (usernames, names) may contain no control or line-separator character and
/// none of the characters the target format gives a meaning to. Formats with a real escaping
/// syntax (XML, TOML) escape on top; the others refuse what they cannot quote.
struct ExportValue {
    let format: String

    func fail(_ field: String, _ problem: String) -> ExportError { ExportError(format: format, field: field, problem: problem) }

    func hostname(_ value: String?, field: String) throws(ExportError) -> String {
        guard let value, !value.isEmpty else { throw fail(field, "no hostname") }
        if let problem = Hostname.serverHostProblem(value) { throw fail(field, "'\(Self.shown(value))': \(problem)") }
        return value
    }

    /// The host as it goes into a URL: IPv6 literals in brackets.
    func urlHost(_ value: String?, field: String) throws(ExportError) -> String {
        let host = try hostname(value, field: field)
        return IPAddress.isIPv6(host) ? "[\(host)]" : host
    }

    func port(_ value: Int?, field: String) throws(ExportError) -> Int {
        guard let value, (1...65535).contains(value) else { throw fail(field, "no valid port") }
        return value
    }

    func text(_ value: String, field: String, forbidding forbidden: String = "") throws(ExportError) -> String {
        if value.unicodeScalars.contains(where: Self.isLineBreakOrControl) {
            throw fail(field, "'\(Self.shown(value))' contains a control character or line break")
        }
        if let bad = value.first(where: { forbidden.contains($0) }) {
            throw fail(field, "'\(Self.shown(value))' contains '\(bad)', which this format cannot carry safely")
        }
        if value.utf8.count > 512 { throw fail(field, "longer than 512 bytes") }
        return value
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters (for URL userinfo).
    static func percentEncoded(_ value: String) -> String { PercentEncoding.encode(value) }

    static func isLineBreakOrControl(_ scalar: Unicode.Scalar) -> Bool {
        let category = scalar.properties.generalCategory
        return category == .control || category == .lineSeparator || category == .paragraphSeparator || category == .format && scalar.value == 0xFEFF
    }

    /// For error messages: control characters shown as '?', at most 60 characters.
    static func shown(_ value: String) -> String {
        String(value.unicodeScalars.map { isLineBreakOrControl($0) ? "?" : Character($0) }.prefix(60))
    }
}
