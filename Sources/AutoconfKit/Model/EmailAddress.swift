#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A parsed, validated email address. The local part is kept exactly as typed; the domain is
/// lowercased and converted to its A-label (punycode) form with libidn2, so every later step
/// (DNS, URLs, file matching) sees one canonical spelling.
public struct EmailAddress: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The part before the `@`, exactly as typed.
    public let localPart: String
    /// The domain in lowercase A-labels, e.g. `xn--mller-kva.de`.
    public let domain: String
    /// The domain for display, e.g. `müller.de`.
    public let unicodeDomain: String

    /// The address with the A-label domain, e.g. `alice@xn--mller-kva.de`.
    public var address: String { "\(localPart)@\(domain)" }
    /// The address with the A-label domain.
    public var description: String { address }

    /// RFC 5321: a local part is at most 64 octets, a whole path at most 254.
    static let maximumLocalPartLength = 64
    static let maximumAddressLength = 254

    /// Parses and validates `text` (surrounding whitespace trimmed).
    /// - Throws: `AddressError` naming the first problem.
    public init(_ text: String) throws(AddressError) {
        let (local, rawDomain) = try Self.split(text)
        try self.init(local: local, domain: try Self.canonicalDomain(rawDomain).get())
    }

    /// The canonical forms of the domains parsed so far: a batch of addresses checks and converts
    /// each of its domains once (IDNA, the public suffix list) instead of once per address.
    package struct DomainMemo: Sendable {
        fileprivate var known: [String: Result<CanonicalDomain, AddressError>] = [:]
        package init() {}
    }

    /// As `init(_:)`, with the domain's part of the work looked up in `memo` (same result, same errors).
    package init(_ text: String, memo: inout DomainMemo) throws(AddressError) {
        let (local, rawDomain) = try Self.split(text)
        let canonical: Result<CanonicalDomain, AddressError>
        if let known = memo.known[rawDomain] {
            canonical = known
        } else {
            canonical = Self.canonicalDomain(rawDomain)
            memo.known[rawDomain] = canonical
        }
        try self.init(local: local, domain: try canonical.get())
    }

    fileprivate struct CanonicalDomain: Sendable {
        var ascii: String
        var unicode: String
    }

    private init(local: String, domain: CanonicalDomain) throws(AddressError) {
        guard local.utf8.count + 1 + domain.ascii.utf8.count <= Self.maximumAddressLength else {
            throw .tooLong(local.utf8.count + 1 + domain.ascii.utf8.count)
        }
        self.localPart = local
        self.domain = domain.ascii
        self.unicodeDomain = domain.unicode
    }

    /// The checks of the whole text and of the local part, in order; the local part and the raw domain.
    private static func split(_ text: String) throws(AddressError) -> (local: String, rawDomain: String) {
        var input = text.trimmed
        guard !input.isEmpty else { throw .empty }
        if let parts = try Self.splitASCII(&input) { return parts }
        if let bad = input.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
            throw .controlCharacter(bad.value)
        }
        if input.contains(where: { $0 == " " || $0 == "\t" }) { throw .whitespace }
        let pieces = input.split(separator: "@", omittingEmptySubsequences: false)
        guard pieces.count == 2 else {
            throw pieces.count < 2 ? .missingAt : .multipleAt
        }
        let local = String(pieces[0])
        let rawDomain = String(pieces[1])
        guard !local.isEmpty else { throw .emptyLocalPart }
        guard !rawDomain.isEmpty else { throw .emptyDomain }
        guard local.utf8.count <= Self.maximumLocalPartLength else { throw .localPartTooLong(local.utf8.count) }
        guard !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else {
            throw .invalidLocalPart("dots may not start, end or repeat in the local part")
        }
        // Characters a mailbox name may not contain unquoted (RFC 5322 specials); we do not accept
        // quoted local parts: no mail client setup needs them and they invite injection.
        if let bad = local.first(where: { "()<>[]:;,\\\"".contains($0) }) {
            throw .invalidLocalPart("character '\(bad)' is not allowed in the local part")
        }
        return (local, rawDomain)
    }

    /// `split` for plain ASCII (nearly every address), nil for anything else: its Characters are
    /// its bytes ("\r\n", the one two-byte Character, holds control characters and is refused
    /// first), so the same checks, in the same order, are made on the bytes in one pass; the
    /// Character and scalar forms cost most of a batch's parsing.
    private static func splitASCII(_ input: inout String) throws(AddressError) -> (local: String, rawDomain: String)? {
        let outcome = input.withUTF8 { bytes -> Result<(local: String, rawDomain: String), AddressError>? in
            var control: UInt8?
            var blank = false
            var ats = 0
            var at = 0
            for (offset, byte) in bytes.enumerated() {
                if byte >= 0x80 { return nil }
                if control == nil && (byte < 0x20 || byte == 0x7F) { control = byte }
                if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { blank = true }
                if byte == UInt8(ascii: "@") {
                    if ats == 0 { at = offset }
                    ats += 1
                }
            }
            if let control { return .failure(.controlCharacter(UInt32(control))) }
            if blank { return .failure(.whitespace) }
            guard ats == 1 else { return .failure(ats < 1 ? .missingAt : .multipleAt) }
            let local = UnsafeBufferPointer(rebasing: bytes[..<at]), domain = UnsafeBufferPointer(rebasing: bytes[(at + 1)...])
            guard !local.isEmpty else { return .failure(.emptyLocalPart) }
            guard !domain.isEmpty else { return .failure(.emptyDomain) }
            guard local.count <= Self.maximumLocalPartLength else { return .failure(.localPartTooLong(local.count)) }
            let dot = UInt8(ascii: ".")
            if local.first == dot || local.last == dot || zip(local, local.dropFirst()).contains(where: { $0 == dot && $1 == dot }) {
                return .failure(.invalidLocalPart("dots may not start, end or repeat in the local part"))
            }
            if let bad = local.first(where: isSpecial) {
                return .failure(.invalidLocalPart("character '\(Character(UnicodeScalar(bad)))' is not allowed in the local part"))
            }
            return .success((String(decoding: local, as: UTF8.self), String(decoding: domain, as: UTF8.self)))
        }
        return try outcome?.get()
    }

    /// The RFC 5322 specials refused in a local part: ( ) < > [ ] : ; , \\ and "
    private static func isSpecial(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "["), UInt8(ascii: "]"),
             UInt8(ascii: ":"), UInt8(ascii: ";"), UInt8(ascii: ","), UInt8(ascii: "\\"), UInt8(ascii: "\""):
            return true
        default:
            return false
        }
    }

    /// The checks of the domain and its A-label and U-label forms: a function of the raw domain alone.
    private static func canonicalDomain(_ rawDomain: String) -> Result<CanonicalDomain, AddressError> {
        // One canonical form: at most one trailing dot, stripped; "x.com.." is refused.
        if rawDomain.hasSuffix("..") { return .failure(.invalidDomain(rawDomain, "the domain ends in more than one dot")) }
        var domain = rawDomain.hasSuffix(".") ? String(rawDomain.dropLast()) : rawDomain
        if domain.hasPrefix("[") { return .failure(.invalidDomain(rawDomain, "address literals are not supported")) }
        switch IDNA.toASCII(domain) {
        case .success(let ascii): domain = ascii
        case .failure(let error): return .failure(.invalidDomain(rawDomain, error.message))
        }
        if let problem = Hostname.problem(domain) { return .failure(.invalidDomain(rawDomain, problem)) }
        guard !domain.hasSuffix("."), !domain.hasPrefix("."), !domain.contains("..") else {
            return .failure(.invalidDomain(rawDomain, "the domain has an empty label"))
        }
        guard domain.contains(".") else { return .failure(.invalidDomain(rawDomain, "a mail domain needs at least two labels")) }
        // Every derived host (autoconfig.D, autodiscover.D, D/.well-known) would belong to a
        // registry, not a mail provider.
        if PublicSuffix.isPublicSuffix(domain) { return .failure(.invalidDomain(rawDomain, "'\(domain)' is a public suffix, not a mail domain")) }
        return .success(CanonicalDomain(ascii: domain, unicode: IDNA.toUnicode(domain)))
    }

    /// The same mailbox name at another address (Autodiscover redirectAddr).
    public func replacingDomain(_ newDomain: String) throws(AddressError) -> EmailAddress {
        try EmailAddress("\(localPart)@\(newDomain)")
    }
}

/// Why a text is not a usable email address.
public enum AddressError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing was given.
    case empty
    /// A control character, with its code point.
    case controlCharacter(UInt32)
    /// A space inside the address.
    case whitespace
    /// No `@`.
    case missingAt
    /// More than one `@`.
    case multipleAt
    /// Nothing before the `@`.
    case emptyLocalPart
    /// Nothing after the `@`.
    case emptyDomain
    /// The local part is longer than 64 bytes (its length).
    case localPartTooLong(Int)
    /// The address is longer than 254 bytes (its length).
    case tooLong(Int)
    /// The local part has characters a mail address cannot have (which).
    case invalidLocalPart(String)
    /// The domain is unusable: the domain and why (not a hostname, IDNA failed, a public suffix).
    case invalidDomain(String, String)

    /// One line for the user.
    public var description: String {
        switch self {
        case .empty: "the address is empty"
        case .controlCharacter(let value): "the address contains a control character (U+\(String(value, radix: 16, uppercase: true)))"
        case .whitespace: "the address contains a space"
        case .missingAt: "the address has no '@'"
        case .multipleAt: "the address has more than one '@'"
        case .emptyLocalPart: "the address has nothing before the '@'"
        case .emptyDomain: "the address has no domain after the '@'"
        case .localPartTooLong(let n): "the local part is \(n) bytes long (at most 64)"
        case .tooLong(let n): "the address is \(n) bytes long (at most 254)"
        case .invalidLocalPart(let why): "invalid local part: \(why)"
        case .invalidDomain(let domain, let why): "invalid domain '\(domain)': \(why)"
        }
    }
}
