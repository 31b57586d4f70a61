/// The built-in plugins in their default rank, and the shared services they use. This is the one
/// place that names them; each network source adds its line here.
///
/// Default rank: user provider files, bundled provider files, provider autoconfig, ISPDB,
/// Gmail / Office365 / MX, Autodiscover, SRV, probing.
public enum BuiltInPlugins {
    public static func registry(options: AutoconfOptions) -> PluginRegistry {
        PluginRegistry([
            ProviderFilesPlugin.user(directories: options.userProviderDirectories),
            ProviderFilesPlugin.bundled(),
            GmailPlugin(),
            Office365Plugin(),
            MXPlugin(),
            SRVPlugin(),
            ProbePlugin(),
        ])
    }

    /// The c-ares resolver (`--dns-server`, else the system's resolvers) and the mail prober
    /// (`--ca-file`, `--resolve`, `--connect-to`). Options are validated by the front end; an
    /// invalid override list here is ignored rather than crashing a library caller.
    public static func services(options: AutoconfOptions) -> LookupServices {
        var services = LookupServices()
        services[DNSResolverKey.self] = CaresResolver(servers: options.dnsServers)
        let overrides = (try? ConnectOverrides.parse(resolve: options.resolve, connectTo: options.connectTo).get()) ?? ConnectOverrides()
        services[MailProberKey.self] = MailProber(caFile: options.caFile, overrides: overrides)
        return services
    }
}
