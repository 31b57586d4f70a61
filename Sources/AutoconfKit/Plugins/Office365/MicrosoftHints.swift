/// DNS hints that a domain uses Microsoft 365 even though its MX does not say so (mail routed
/// through a filtering service, or a hybrid setup): `autodiscover.D` is a CNAME to Microsoft, or
/// the domain's TXT records carry Microsoft's domain verification (`MS=ms…`) or SPF include.
/// Only then is Autodiscover v2 asked, because that request tells Microsoft the address.
enum MicrosoftHints {
    static func pointsAtMicrosoft(_ domain: String, context: PluginContext) async -> Bool {
        guard let dns = context.services[DNSResolverKey.self] else { return false }
        async let cname = try? dns.cname("autodiscover.\(domain)")
        async let txt = try? dns.txt(domain)
        if let target = await cname?.records?.lowercased(), MicrosoftDomains.contains(host: target) { return true }
        let records = await txt?.records ?? []
        return records.contains { record in
            let text = record.lowercased()
            return text.hasPrefix("ms=ms") || text.contains("include:spf.protection.outlook.com")
        }
    }
}
