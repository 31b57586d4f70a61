import Synchronization

/// The built-in plugins in their default rank, and the shared services they use. This is the one
/// place that names them; each network source adds its line here.
///
/// Default rank: user provider files, bundled provider files, provider autoconfig, ISPDB,
/// Gmail / Office365 / MX, Autodiscover, SRV, probing.
package enum BuiltInPlugins {
    package static func registry(options: AutoconfOptions) -> PluginRegistry {
        PluginRegistry([
            ProviderFilesPlugin.user(directories: options.userProviderDirectories),
            ProviderFilesPlugin.bundled(),
            AutoconfigPlugin(requestTimeout: options.httpTimeout),
            ISPDBPlugin(baseURL: options.ispdbBaseURL, requestTimeout: options.httpTimeout),
            GmailPlugin(),
            Office365Plugin(tenantCheck: microsoft365TenantCheck(options: options)),
            MXPlugin(ispdbBaseURL: options.ispdbBaseURL, requestTimeout: options.httpTimeout),
            AutodiscoverPlugin(requestTimeout: options.httpTimeout),
            SRVPlugin(),
            ProbePlugin(),
        ])
    }

    /// The HTTP client, the c-ares resolver (`--dns-server`, else the system's resolvers) and the
    /// mail prober (`--ca-file`, `--resolve`, `--connect-to`); the client and the resolver are
    /// built on first use. `Autoconf` makes these once and shares them between its lookups.
    /// Unusable options give services without address mappings: `Autoconf` refuses to look up
    /// with them anyway (`optionsProblem`).
    package static func services(options: AutoconfOptions) -> LookupServices {
        services(options: options, parsed: (try? options.parsed().get()) ?? ParsedOptions())
    }

    static func services(options: AutoconfOptions, parsed: ParsedOptions) -> LookupServices {
        var services = LookupServices()
        // Offline lookups get no network service at all (no curl, no c-ares thread).
        guard !options.offline else { return services }
        // OpenSSL is initialized by its first user (TLSContext, CurlLibrary), not here: reading
        // openssl.cnf costs a lookup that bundled files answer a few milliseconds for nothing.
        // A client that cannot be built (unreadable --ca-file) was already reported by the
        // options' validation.
        let dns = LazyDNSResolver(servers: options.dnsServers, trustsAD: options.trustResolverAD, trustAnchor: options.trustAnchor)
        let resolver = CoalescingDNSResolver(dns)
        services[DNSResolverKey.self] = resolver
        let overrides = parsed.overrides
        let http = LazyHTTPClient(configuration: parsed.http)
        let systemResolving = SystemResolvingHTTPClient(inner: http, overrides: overrides, connectTimeout: parsed.http.connectTimeout, environment: options.environment)
        services[HTTPClientKey.self] = options.dnsServers.isEmpty
            ? ResolveFailureCheck(inner: systemResolving, resolver: resolver) : DNSResolvingHTTPClient(inner: http, resolver: resolver, overrides: overrides)
        let prober = MailProber(caFile: options.caFile, overrides: overrides)
        services[MailProberKey.self] = prober
        let progress = WarmUpProgress()
        services[NetworkWarmUpKey.self] = NetworkWarmUp { asksRecords in
            // Once per set of services (the service and batches share one across lookups), not a
            // thread per lookup; again only when records are asked for the first time.
            guard progress.claim(asksRecords ? .records : .hosts) else { return }
            // On a thread of its own, so the plugins' first requests go out while it runs: it
            // makes the threads first and then starts the loads, which wait for it (LoaderGate).
            LoaderGate.hold()
            let warmUp: @Sendable () -> Void = {
                if options.dnsServers.isEmpty { ResolverThreads.shared.start() }
                dns.prepare(records: asksRecords)
                LoaderGate.release()
                CurlLibrary.preload()
                LibXML.preload()  // every fetched document is XML
                http.prepare()
            }
            if DetachedThread.tryStart(name: "autoconf-warm", warmUp) != 0 { warmUp() }
        }
        return services
    }

    /// Asks Autodiscover v2 whether Microsoft 365 serves an address (for the Office365 plugin).
    static func microsoft365TenantCheck(options: AutoconfOptions) -> Office365Plugin.TenantCheck {
        let baseURL = options.office365BaseURL
        let timeout = options.httpTimeout
        return { email, context in
            guard let http = context.services[HTTPClientKey.self] else { return nil }
            let client = AutodiscoverV2Client(fetcher: http, baseURL: baseURL, timeout: timeout)
            return await client.isMicrosoft365Tenant(email, deadline: context.deadline)
        }
    }
}

/// How far the network warm-up of one set of services has gone.
final class WarmUpProgress: Sendable {
    enum Level: Int, Comparable, Sendable {
        case none, hosts, records
        static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    private let level = Mutex(Level.none)

    /// True for the one caller that is to warm up to `needed` (`.hosts`: HTTP clients and address
    /// resolution; `.records`: also the DNS record resolvers); false when that is done or under way.
    func claim(_ needed: Level) -> Bool {
        level.withLock { level in
            guard level < needed else { return false }
            level = needed
            return true
        }
    }
}
