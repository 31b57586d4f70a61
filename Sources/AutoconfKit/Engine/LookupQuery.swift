/// Everything a plugin needs to know about what is being looked up.
public struct LookupQuery: Sendable, Hashable {
    /// The address being looked up (domain already in A-labels).
    public var email: EmailAddress
    /// Replaces `%REALNAME%` where a document uses it.
    public var realName: String?
    /// Only HTTPS sources (no plain-HTTP autoconfig).
    public var httpsOnly: Bool

    /// A query for `email`; front ends normally let `Autoconf` build it from the options.
    public init(email: EmailAddress, realName: String? = nil, httpsOnly: Bool = false) {
        self.email = email
        self.realName = realName
        self.httpsOnly = httpsOnly
    }
}
