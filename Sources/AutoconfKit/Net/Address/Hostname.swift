/// Hostname rules applied to everything that names a server, wherever it came from (RFC 1123
/// labels; at most 253 characters). A hostname from the network may be an attack: no spaces,
/// control or shell characters survive this check.
public enum Hostname {
    package static let maximumLength = 253
    package static let maximumLabelLength = 63

    /// nil when `name` is a valid hostname, otherwise what is wrong with it.
    package static func problem(_ name: String) -> String? {
        // Every candidate's every hostname is checked on every lookup: one pass over the bytes
        // decides the common case; only a bad name pays for the message.
        if let valid = name.utf8.withContiguousStorageIfAvailable(isValidName), valid { return nil }
        return explain(name)
    }

    /// The same rules as `explain`, as one pass over UTF-8 bytes.
    private static func isValidName(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var count = bytes.count
        if count > 0 && bytes[count - 1] == 0x2E { count -= 1 }
        guard count > 0, count <= maximumLength else { return false }
        var labelLength = 0
        var previous: UInt8 = 0x2E
        for index in 0..<count {
            let byte = bytes[index]
            if byte == 0x2E {
                guard labelLength > 0, previous != 0x2D else { return false }
                labelLength = 0
            } else {
                let ok = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A)
                    || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F
                guard ok, !(byte == 0x2D && labelLength == 0) else { return false }
                labelLength += 1
                guard labelLength <= maximumLabelLength else { return false }
            }
            previous = byte
        }
        return labelLength > 0 && previous != 0x2D
    }

    private static func explain(_ name: String) -> String? {
        var host = name
        if host.hasSuffix(".") { host.removeLast() }
        if host.isEmpty { return "the hostname is empty" }
        if host.utf8.count > maximumLength { return "the hostname is longer than \(maximumLength) characters" }
        for label in host.split(separator: ".", omittingEmptySubsequences: false) {
            if label.isEmpty { return "the hostname has an empty label" }
            if label.utf8.count > maximumLabelLength { return "the label '\(label.prefix(20))…' is longer than 63 characters" }
            for byte in label.utf8 {
                let ok = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A)
                    || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F
                if !ok { return "the hostname contains the character \(describe(byte))" }
            }
            if label.hasPrefix("-") || label.hasSuffix("-") { return "the label '\(label)' starts or ends with '-'" }
        }
        return nil
    }

    /// True when `name` is a usable hostname (`problem(_:)` is nil).
    public static func isValid(_ name: String) -> Bool { problem(name) == nil }

    /// The form names are compared in: one trailing dot dropped, lowercase.
    package static func normalized(_ name: String) -> String {
        (name.hasSuffix(".") ? String(name.dropLast()) : name).lowercased()
    }

    /// The rule for a mail server's host, wherever the server came from (a source's answer, the
    /// cache, an export): an IP literal as inet_pton reads it, or a hostname that no resolver
    /// would read as a number (`127.1`, `0x7f.1`: shown as a name, dialled as an address).
    package static func serverHostProblem(_ host: String) -> String? {
        if IPAddress.isLiteral(host) { return nil }
        if let problem = problem(host) { return problem }
        if IPAddress.looksNumeric(host) { return "'\(host.prefix(60))' is a numeric address in a form inet_pton does not read" }
        return nil
    }

    private static func describe(_ byte: UInt8) -> String {
        if byte < 0x20 || byte == 0x7F { return "0x\(String(byte, radix: 16)) (a control character)" }
        if byte == 0x20 { return "' ' (a space)" }
        if byte >= 0x80 { return "0x\(String(byte, radix: 16)) (not ASCII)" }
        return "'\(Character(Unicode.Scalar(byte)))'"
    }
}
