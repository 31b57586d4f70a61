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
        let input = text.trimmed
        guard !input.isEmpty else { throw .empty }
        // Plain ASCII (nearly every address): its Characters are its bytes ("\r\n", the one
        // two-byte Character, holds control characters and is refused first), so the checks
        // below compare bytes; the Character and scalar forms cost most of a batch's parsing.
        let ascii = input.utf8.allSatisfy { $0 < 0x80 }
        if ascii {
            if let bad = input.utf8.first(where: { $0 < 0x20 || $0 == 0x7F }) { throw .controlCharacter(UInt32(bad)) }
            if input.utf8.contains(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { throw .whitespace }
        } else {
            if let bad = input.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
                throw .controlCharacter(bad.value)
            }
            if input.contains(where: { $0 == " " || $0 == "\t" }) { throw .whitespace }
        }
        let local: String, rawDomain: String
        if ascii {
            let ats = input.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "@") ? 1 : 0) }
            guard ats == 1, let at = input.utf8.firstIndex(of: UInt8(ascii: "@")) else { throw ats < 1 ? .missingAt : .multipleAt }
            local = String(input[..<at])
            rawDomain = String(input[input.utf8.index(after: at)...])
        } else {
            let pieces = input.split(separator: "@", omittingEmptySubsequences: false)
            guard pieces.count == 2 else {
                throw pieces.count < 2 ? .missingAt : .multipleAt
            }
            local = String(pieces[0])
            rawDomain = String(pieces[1])
        }
        guard !local.isEmpty else { throw .emptyLocalPart }
        guard !rawDomain.isEmpty else { throw .emptyDomain }
        guard local.utf8.count <= Self.maximumLocalPartLength else { throw .localPartTooLong(local.utf8.count) }
        guard !local.hasPrefix("."), !local.hasSuffix("."), !(ascii ? local.utf8ContainsBytes(of: "..") : local.contains("..")) else {
            throw .invalidLocalPart("dots may not start, end or repeat in the local part")
        }
        // Characters a mailbox name may not contain unquoted (RFC 5322 specials); we do not accept
        // quoted local parts: no mail client setup needs them and they invite injection.
        if ascii {
            if let bad = local.utf8.first(where: { Self.specials.contains($0) }) {
                throw .invalidLocalPart("character '\(Character(UnicodeScalar(bad)))' is not allowed in the local part")
            }
        } else if let bad = local.first(where: { "()<>[]:;,\\\"".contains($0) }) {
            throw .invalidLocalPart("character '\(bad)' is not allowed in the local part")
        }
        return (local, rawDomain)
    }

    private static let specials = Set("()<>[]:;,\\\"".utf8)

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
