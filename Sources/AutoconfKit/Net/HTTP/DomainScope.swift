/// Which hosts a source may contact and which registrable domains count as "the domain's own".
/// A result reached through any other registrable domain is still used, but marked cross-domain,
/// so that it can never beat an answer the email domain gave itself.
package struct DomainScope: Sendable, Hashable {
    /// Registrable domains that are the source's own: the email domain's, or for a central
    /// database the database's.
    package var home: Set<String>
    /// Registrable domains followed without the cross-domain mark (Microsoft's own for Autodiscover).
    package var exempt: Set<String>

    package init(home: Set<String>, exempt: Set<String> = []) {
        self.home = home
        self.exempt = exempt
    }

    /// The scope of an email domain: its registrable domain is home.
    package static func email(_ domain: String, exempt: Set<String> = []) -> DomainScope {
        DomainScope(home: [PublicSuffix.registrableDomain(of: domain)], exempt: exempt)
    }

    /// True when `host` lies outside home (and outside the exempt domains).
    package func isForeign(_ host: String) -> Bool {
        let domain = PublicSuffix.registrableDomain(of: host.lowercased())
        return !home.contains(domain) && !exempt.contains(domain)
    }

    /// Why a request to `host` must never be sent, or nil. Public suffixes are refused (the 2021
    /// `autodiscover.<tld>` leak came from clients asking hosts above the email domain), and so
    /// are IP literals, which no published configuration needs and which would let a hostile
    /// redirect reach the user's own network.
    package static func refusal(_ host: String) -> String? {
        let name = host.lowercased()
        if let problem = Hostname.problem(name) { return problem }
        if PublicSuffix.isPublicSuffix(name) { return "\(name) is a public suffix" }
        if IPAddress.isLiteral(name) || IPAddress.looksNumeric(name) { return "\(name) is an IP address" }
        return nil
    }

    /// Why `host`, derived from `emailDomain`, must not be asked: it must be the domain itself or
    /// a name below it, inside the same registrable domain (never `autodiscover.co.uk` for a user
    /// at `co.uk`).
    package static func derivedHostRefusal(_ host: String, emailDomain: String) -> String? {
        if let why = refusal(host) { return why }
        if PublicSuffix.isPublicSuffix(emailDomain) { return "\(emailDomain) is a public suffix" }
        guard host == emailDomain || host.hasSuffix("." + emailDomain),
              PublicSuffix.sameRegistrableDomain(host, emailDomain) else {
            return "\(host) is outside \(PublicSuffix.registrableDomain(of: emailDomain))"
        }
        return nil
    }
}
