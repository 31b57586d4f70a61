/// Gmail and Google Workspace: gmail.com and googlemail.com by name, any other domain whose
/// best-preference MX is one of Google's inbound servers (a Workspace domain).
package struct GmailPlugin: ProviderPlugin {
    package let name = "gmail"
    package let summary = "Gmail, and Google Workspace domains found by their MX records"
    package var authority: AuthorityClass? { .dns }
    package var networkUse: NetworkUse { .dnsRecords }

    package init() {}

    package func lookup(_ query: LookupQuery, context: PluginContext) async throws -> PluginOutcome {
        let domain = query.email.domain
        if GoogleMail.consumerDomains.contains(domain) {
            return .found([HosterDetection.ownDomain(context, domain: domain, provider: "Google",
                                                     configuration: GoogleMail.configuration(for: domain, workspace: false))])
        }
        switch try await BestMX.lookup(domain, context: context) {
        case .none(let why):
            return .notFound(why)
        case .noSuchDomain(let why):
            return .domainDoesNotExist(why)
        case .found(let mx):
            guard let workspace = HosterDetection.googleWorkspace(context, domain: domain, mx: mx) else {
                return .notFound("the MX (\(mx.primary)) is not Google's")
            }
            return .found([workspace])
        }
    }
}
