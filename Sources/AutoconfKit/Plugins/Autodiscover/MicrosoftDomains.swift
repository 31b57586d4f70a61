/// Microsoft's own registrable domains. Hosted Exchange (Office 365) answers for customer domains
/// from these, so a redirect or referral into them is followed without the cross-domain mark, as
/// Thunderbird does. Nothing else is exempt.
package enum MicrosoftDomains {
    package static let registrable: Set<String> = [
        "office365.com", "outlook.com", "office.com", "microsoft.com", "onmicrosoft.com", "microsoftonline.com",
    ]

    package static func contains(host: String) -> Bool {
        registrable.contains(PublicSuffix.registrableDomain(of: host.lowercased()))
    }
}
