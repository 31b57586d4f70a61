/// How far a front end may trust a result without asking the user.
public struct Trust: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The two levels a front end acts on.
    public enum Level: String, Sendable, Hashable, Codable, Comparable {
        /// From a source the email domain controls or vouches for, over an authenticated channel.
        case trusted
        /// Plausible, but show the servers (and their registrable domains) to the user first.
        case confirm

        /// `trusted` sorts before `confirm`.
        public static func < (a: Level, b: Level) -> Bool { a == .trusted && b == .confirm }
    }

    /// Why a result is not simply trusted.
    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        /// Reached through a redirect or referral into another registrable domain (not the email
        /// domain's own DNS, not a known provider). Ranks below every same-domain result.
        case crossDomain = "cross-domain"
        /// Fetched over plain HTTP, which anyone on the path can rewrite.
        case plainHTTP = "plain-http"
        /// From DNS answers the resolver did not authenticate with DNSSEC.
        case unsignedDNS = "unsigned-dns"
        /// Guessed from hostnames that answered, not published by anyone.
        case guessed
        /// A server's certificate did not validate for its hostname.
        case invalidCertificate = "invalid-certificate"
        /// A server offers no encryption.
        case unencrypted
        /// The result came from a heuristic (MX hoster, provider detection) rather than the domain.
        case heuristic
    }

    /// Trusted, or to be confirmed by the user.
    public var level: Level
    /// Why not trusted, in the order found (empty when trusted).
    public var reasons: [Reason]

    /// A trust value.
    public init(level: Level, reasons: [Reason] = []) {
        self.level = level
        self.reasons = reasons
    }

    /// Trusted, with no reasons.
    public static let trusted = Trust(level: .trusted)

    /// To be confirmed, for `reasons`.
    public static func confirm(_ reasons: Reason...) -> Trust { Trust(level: .confirm, reasons: reasons) }

    /// The settings were reached through another registrable domain.
    public var isCrossDomain: Bool { reasons.contains(.crossDomain) }

    /// Adds a reason, which always lowers the level to `confirm`.
    public func adding(_ reason: Reason) -> Trust {
        var copy = self
        copy.level = .confirm
        if !copy.reasons.contains(reason) { copy.reasons.append(reason) }
        return copy
    }

    /// The ordering class used for ranking: trusted, then confirm, then cross-domain confirm.
    public var tier: Int {
        if level == .trusted { return 0 }
        return isCrossDomain ? 2 : 1
    }

    /// The level, with the reasons in parentheses.
    public var description: String {
        reasons.isEmpty ? level.rawValue : "\(level.rawValue) (\(reasons.map(\.rawValue).joined(separator: ", ")))"
    }
}
