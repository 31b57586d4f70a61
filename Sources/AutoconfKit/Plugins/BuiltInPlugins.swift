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
        ])
    }

    public static func services(options: AutoconfOptions) -> LookupServices {
        LookupServices()
    }
}
