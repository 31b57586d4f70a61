import Foundation

/// The library's front door: build it with options, then look up addresses.
///
/// ```swift
/// let autoconf = Autoconf(options: AutoconfOptions(timeout: .seconds(5)))
/// let result = try await autoconf.lookup("alice@example.com")
/// if let best = result.best { print(best.configuration.incoming.first?.hostname ?? "-") }
/// ```
public struct Autoconf: Sendable {
    public var options: AutoconfOptions
    public var registry: PluginRegistry

    /// `additionalPlugins` rank above the built-in ones unless placed with `registry.register`.
    public init(options: AutoconfOptions = AutoconfOptions(), additionalPlugins: [any ProviderPlugin] = []) {
        self.options = options
        var registry = BuiltInPlugins.registry(options: options)
        for (offset, plugin) in additionalPlugins.enumerated() { registry.register(plugin, at: offset) }
        self.registry = registry
    }

    public func resolver() throws(AutoconfError) -> Resolver {
        Resolver(
            plugins: try registry.select(options.plugins, offline: options.offline), timeout: options.timeout,
            preferredIncoming: options.preferredIncoming)
    }

    public func lookup(_ address: String, observer: TraceObserver? = nil) async throws(AutoconfError) -> LookupResult {
        let email: EmailAddress
        do { email = try EmailAddress(address) } catch { throw .invalidAddress(address, error) }
        return try await lookup(email, observer: observer)
    }

    public func lookup(_ email: EmailAddress, observer: TraceObserver? = nil) async throws(AutoconfError) -> LookupResult {
        let query = LookupQuery(email: email, realName: options.realName, httpsOnly: options.httpsOnly, pluginOptions: options.pluginOptions)
        return await (try resolver()).lookup(query, services: BuiltInPlugins.services(options: options), observer: observer)
    }
}

/// Everything a front end can set. The defaults are what `autoconf lookup` does without options.
public struct AutoconfOptions: Sendable {
    /// Bounds every lookup (default 10 s).
    public var timeout: Duration
    /// Only plugins that need no network.
    public var offline: Bool
    /// Plugin names to run, in rank order; nil runs all in the default order.
    public var plugins: [String]?
    public var preferredIncoming: ServerType
    /// Extra provider directories (`--providers DIR`), ranked above the user's XDG directory.
    public var providerDirectories: [String]
    /// Whether `$XDG_CONFIG_HOME/autoconf/providers/` is read.
    public var readsUserDirectory: Bool
    public var httpsOnly: Bool
    public var realName: String?
    public var pluginOptions: [String: String]
    public var environment: [String: String]
    /// DNS servers (`--dns-server HOST[:PORT]`, IP addresses); empty uses the system's resolvers.
    public var dnsServers: [String]
    /// Extra CA certificates (PEM) trusted besides the system store (`--ca-file`).
    public var caFile: String?
    /// curl-style `HOST:PORT:ADDR[,ADDR…]` entries (`--resolve`): connect to ADDR for HOST:PORT.
    public var resolve: [String]
    /// curl-style `HOST:PORT:HOST2:PORT2` entries (`--connect-to`): connect to HOST2:PORT2 instead
    /// of HOST:PORT, still checking the certificate for HOST (empty HOST or PORT: any).
    public var connectTo: [String]

    public init(
        timeout: Duration = Resolver.defaultTimeout, offline: Bool = false, plugins: [String]? = nil,
        preferredIncoming: ServerType = .imap, providerDirectories: [String] = [], readsUserDirectory: Bool = true,
        httpsOnly: Bool = false, realName: String? = nil, pluginOptions: [String: String] = [:],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        dnsServers: [String] = [], caFile: String? = nil, resolve: [String] = [], connectTo: [String] = []
    ) {
        self.timeout = timeout
        self.offline = offline
        self.plugins = plugins
        self.preferredIncoming = preferredIncoming
        self.providerDirectories = providerDirectories
        self.readsUserDirectory = readsUserDirectory
        self.httpsOnly = httpsOnly
        self.realName = realName
        self.pluginOptions = pluginOptions
        self.environment = environment
        self.dnsServers = dnsServers
        self.caFile = caFile
        self.resolve = resolve
        self.connectTo = connectTo
    }

    /// `--providers` directories first, then the XDG directory.
    public var userProviderDirectories: [String] {
        var directories = providerDirectories
        if readsUserDirectory, let xdg = UserProviderDirectory.path(environment: environment) { directories.append(xdg) }
        return directories
    }
}
