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
            AutoconfigPlugin(requestTimeout: options.httpTimeout),
            ISPDBPlugin(baseURL: options.ispdbBaseURL, requestTimeout: options.httpTimeout),
            // gmail, office365, mx (issue 4) go here.
            AutodiscoverPlugin(requestTimeout: options.httpTimeout),
            // srv, probe (issue 4) go here.
        ])
    }

    public static func services(options: AutoconfOptions) -> LookupServices {
        services(options: options, httpClients: HTTPClientCache())
    }

    static func services(options: AutoconfOptions, httpClients: HTTPClientCache) -> LookupServices {
        var services = LookupServices()
        // No client (and no curl thread) for offline lookups; a client that cannot be built
        // (unreadable --ca-file) was already reported by `AutoconfOptions.problem()`.
        if !options.offline {
            services[HTTPClientKey.self] = httpClients.client(for: options.httpConfiguration)
        }
        return services
    }
}
