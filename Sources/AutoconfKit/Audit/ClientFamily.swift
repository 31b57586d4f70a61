/// A family of mail clients that discover settings the same way: which sources they ask, in
/// which order, and whether they accept plain HTTP. `autoconf check` asks each family's sources
/// as that family does and shows what its users would get.
package struct ClientFamily: Sendable, Hashable {
    package var id: String
    package var name: String
    /// Lookup plugins in the family's order (names as `autoconf plugins` lists them).
    package var plugins: [String]
    package var httpsOnly: Bool
    /// What the family does that the sources cannot show.
    package var note: String?

    package init(id: String, name: String, plugins: [String], httpsOnly: Bool, note: String? = nil) {
        self.id = id
        self.name = name
        self.plugins = plugins
        self.httpsOnly = httpsOnly
        self.note = note
    }

    /// The families a domain owner cares about, as each discovers today.
    package static let all: [ClientFamily] = [
        ClientFamily(
            id: "thunderbird", name: "Thunderbird (desktop)", plugins: ["autoconfig", "ispdb", "mx", "autodiscover", "probe"], httpsOnly: false,
            note: "autoconfig.D and .well-known, the ISPDB, the MX host's ISPDB entry, Exchange Autodiscover, then guessing"),
        ClientFamily(
            id: "thunderbird-android", name: "Thunderbird for Android / K-9", plugins: ["autoconfig", "ispdb", "mx"], httpsOnly: true,
            note: "HTTPS autoconfig, the ISPDB and the MX host's ISPDB entry; no guessing"),
        ClientFamily(
            id: "outlook", name: "Outlook", plugins: ["office365", "autodiscover"], httpsOnly: false,
            note: "Microsoft 365 first, then POX Autodiscover (HTTPS, plain-HTTP redirect, _autodiscover._tcp SRV)"),
        ClientFamily(
            id: "apple", name: "Apple Mail", plugins: ["probe"], httpsOnly: true,
            note: "no discovery protocol: it guesses host names unless a configuration profile (/mobileconfig) is installed"),
        ClientFamily(
            id: "deltachat", name: "Delta Chat", plugins: ["autoconfig", "autodiscover", "probe"], httpsOnly: false,
            note: "autoconfig, Autodiscover, then guessing"),
        ClientFamily(id: "rfc6186", name: "RFC 6186 clients", plugins: ["srv"], httpsOnly: true, note: "DNS SRV records only"),
    ]
}
