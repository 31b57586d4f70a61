/// Outlook.com and Microsoft 365: Microsoft's consumer domains by exact name, tenants by their
/// best-preference MX (`*.mail.protection.outlook.com`) or by an Autodiscover v2 answer for the
/// address (`tenantCheck`). Autodiscover v2 sends the address to Microsoft, so it is asked only
/// when the domain's own DNS points at Microsoft (see `MicrosoftHints`), never for every domain.
package struct Office365Plugin: ProviderPlugin {
    /// true: Microsoft 365 serves this address; false: it does not; nil: could not tell.
    package typealias TenantCheck = @Sendable (EmailAddress, PluginContext) async -> Bool?

    package let name = "office365"
    package let summary = "Outlook.com, and Microsoft 365 domains found by MX records or Autodiscover v2"
    package var authority: AuthorityClass? { .dns }
    package var networkUse: NetworkUse { .hostsByName }
    package var tenantCheck: TenantCheck?

    package init(tenantCheck: TenantCheck? = nil) {
        self.tenantCheck = tenantCheck
    }

    package func lookup(_ query: LookupQuery, context: PluginContext) async throws -> PluginOutcome {
        let domain = query.email.domain
        if MicrosoftMail.consumerDomains.contains(domain) {
            return .found([HosterDetection.ownDomain(context, domain: domain, provider: "Microsoft",
                                                     configuration: MicrosoftMail.configuration(for: domain, business: false))])
        }
        let mxOutcome: BestMX.Outcome
        do {
            mxOutcome = try await BestMX.lookup(domain, context: context)
        } catch let failure as PluginFailure where tenantCheck != nil {
            // A DNS failure does not rule out a tenant: Autodiscover may still answer.
            context.trace(.note("MX lookup failed (\(failure.message)); asking Autodiscover v2"))
            mxOutcome = .none(failure.message)
        }
        if case .noSuchDomain(let why) = mxOutcome { return .domainDoesNotExist(why) }
        if case .found(let mx) = mxOutcome, let tenant = HosterDetection.microsoft365(context, domain: domain, mx: mx) {
            return .found([tenant])
        }
        if let tenantCheck, await MicrosoftHints.pointsAtMicrosoft(domain, context: context) {
            context.trace(.sourceTried("Autodiscover v2 for \(query.email.address)"))
            if await tenantCheck(query.email, context) == true {
                try Task.checkCancellation()
                // Microsoft says it serves the address; the domain itself did not say so.
                return .found([Candidate(
                    configuration: MicrosoftMail.configuration(for: domain, business: true), trust: .confirm(.heuristic),
                    provenance: context.provenance(
                        source: "Autodiscover v2 (Microsoft 365) for \(query.email.address)", channel: .https,
                        registrableDomains: [PublicSuffix.registrableDomain(of: domain)], tlsVerified: true, askedWithAddress: true))])
            }
        }
        switch mxOutcome {
        case .none(let why), .noSuchDomain(let why): return .notFound(why)
        case .found(let mx): return .notFound("the MX (\(mx.primary)) is not Microsoft 365's")
        }
    }
}
