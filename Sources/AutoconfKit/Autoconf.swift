#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The library's front door: build it with options, then look up addresses.
///
/// ```swift
/// let autoconf = Autoconf(options: AutoconfOptions(timeout: .seconds(5)))
/// let result = try await autoconf.lookup("alice@example.com")
/// if let best = result.best { print(best.configuration.incoming.first?.hostname ?? "-") }
/// ```
public struct Autoconf: Sendable {
    /// Changed only by `withLookupOptions` (LookupUpdates.swift), which checks them again.
    public internal(set) var options: AutoconfOptions
    /// Checked once per set of options.
    var optionsProblem: String?
    public var registry: PluginRegistry
    /// Made once, so consecutive lookups share one HTTP client (and its open connections), one
    /// DNS channel and one prober.
    let services: LookupServices

    /// `additionalPlugins` rank above the built-in ones unless placed with `registry.register`.
    public init(options: AutoconfOptions = AutoconfOptions(), additionalPlugins: [any ProviderPlugin] = []) {
        self.options = options
        optionsProblem = options.problem()
        services = BuiltInPlugins.services(options: options)
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

    /// Manual settings given in full skip discovery; otherwise the cache (when enabled) is asked
    /// first, then the plugins, and manual settings are applied to the best answer last (they are
    /// never cached: the cache holds what discovery found).
    public func lookup(_ email: EmailAddress, observer: TraceObserver? = nil) async throws(AutoconfError) -> LookupResult {
        if let problem = optionsProblem { throw .invalidOption(problem) }
        if options.manual.isComplete {
            let candidate = options.manual.merge(into: nil, email: email)
            return LookupResult(email: email, candidates: candidate.map { [$0] } ?? [], reports: [], elapsedMilliseconds: 0, deadlineReached: false)
        }
        var result: LookupResult
        // Offline lookups answer from provider files, which are never cached: skip the cache.
        let cache: (any LookupCacheStore)? = options.offline ? nil : (options.cacheStore ?? options.lookupCache)
        let fingerprint = options.cacheFingerprint
        if options.cache == .use, let cache, let cached = await cache.cachedResult(for: email, fingerprint: fingerprint, realName: options.realName) {
            observer?(TraceEvent(plugin: "cache", kind: .found(cached.candidates.count), atMilliseconds: 0))
            result = cached
        } else {
            result = try await discover(email, observer: observer)
            if options.cache != .off, let cache { await cache.keep(result, fingerprint: fingerprint) }
        }
        if !options.manual.isEmpty {
            let merged = options.manual.merge(into: result.best, email: email)
            result.candidates = (merged.map { [$0] } ?? []) + result.candidates.dropFirst()
        }
        return result
    }

    /// The plugins only: no cache, no manual settings.
    public func discover(_ email: EmailAddress, observer: TraceObserver? = nil) async throws(AutoconfError) -> LookupResult {
        let query = LookupQuery(email: email, realName: options.realName, httpsOnly: options.httpsOnly, pluginOptions: options.pluginOptions)
        return await (try resolver()).lookup(query, services: services, observer: observer)
    }

    /// A login tester with these options' timeout, CA file and address mappings.
    public func loginVerifier(allowPlaintext: Bool = false) -> LoginVerifier {
        LoginVerifier(options: LoginVerifier.Options(timeout: options.timeout, allowPlaintext: allowPlaintext, caFile: options.caFile, resolve: options.resolve,
                                                     connectTo: options.connectTo, dnsServers: options.dnsServers))
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
    /// Believe the AD bit of the `--dns-server` resolvers (`--trust-resolver-ad`); only allowed
    /// when every one is on loopback. Off: no DNS answer counts as DNSSEC-authenticated.
    public var trustResolverAD = false
    /// A PEM bundle trusted in addition to the system roots (`--ca-file`), for HTTPS and probing.
    public var caFile: String?
    /// curl-style `HOST:PORT:ADDR[,ADDR…]` mappings (`--resolve`): connect to ADDR for HOST:PORT.
    public var resolve: [String]
    /// curl-style `HOST:PORT:HOST2:PORT2` mappings (`--connect-to`): connect to HOST2:PORT2
    /// instead, still checking the certificate for HOST (empty HOST or PORT: any).
    public var connectTo: [String]
    /// The ISPDB base URL; the domain is appended (`--ispdb-url`).
    public var ispdbBaseURL: String
    /// The Autodiscover v2 / Office 365 base URL (`--office365-url`).
    public var office365BaseURL: String
    /// Bounds each HTTP request (the lookup timeout bounds them all).
    public var httpTimeout: Duration
    /// Off by default in the library: the embedding application chooses.
    public var cache: CachePolicy
    /// nil: `$XDG_CACHE_HOME/autoconf` (else `~/.cache/autoconf`).
    public var cacheDirectory: String?
    public var cacheTTL: Duration
    /// Another store for `cache` than the files in `cacheDirectory` (a service's shared cache);
    /// it must keep the same rules (`LookupCacheStore`).
    public var cacheStore: (any LookupCacheStore)? = nil
    /// The "more settings" form; empty by default.
    public var manual: ManualSettings

    public init(
        timeout: Duration = Resolver.defaultTimeout, offline: Bool = false, plugins: [String]? = nil,
        preferredIncoming: ServerType = .imap, providerDirectories: [String] = [], readsUserDirectory: Bool = true,
        httpsOnly: Bool = false, realName: String? = nil, pluginOptions: [String: String] = [:],
        environment: [String: String] = ProcessInfo.processInfo.environment, dnsServers: [String] = [], caFile: String? = nil,
        resolve: [String] = [], connectTo: [String] = [], ispdbBaseURL: String = ISPDBPlugin.defaultBaseURL,
        office365BaseURL: String = AutodiscoverV2Client.defaultBaseURL, httpTimeout: Duration = .seconds(5),
        cache: CachePolicy = .off, cacheDirectory: String? = nil, cacheTTL: Duration = LookupCache.defaultTTL,
        manual: ManualSettings = ManualSettings()
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
        self.ispdbBaseURL = ispdbBaseURL
        self.office365BaseURL = office365BaseURL
        self.httpTimeout = httpTimeout
        self.cache = cache
        self.cacheDirectory = cacheDirectory
        self.cacheTTL = cacheTTL
        self.manual = manual
    }

    /// What the HTTP client is built from.
    public var httpConfiguration: HTTPClientConfiguration {
        HTTPClientConfiguration(caFile: caFile, resolve: resolve, connectTo: connectTo)
    }

    /// The first unusable option, as the one line a user sees, or nil.
    public func problem() -> String? {
        if let problem = httpConfiguration.problem() { return problem }
        for server in dnsServers {
            if case .failure(let error) = DNSServerAddress.parse(server) { return error.message }
        }
        if trustResolverAD {
            guard !dnsServers.isEmpty else { return "--trust-resolver-ad needs --dns-server with a validating resolver on loopback (127.0.0.1, ::1)" }
            for server in dnsServers {
                if case .success(let address) = DNSServerAddress.parse(server), !address.isLoopback {
                    return "--trust-resolver-ad: '\(server.prefix(80))' is not a loopback address; the AD bit of a resolver across the network can be forged"
                }
            }
        }
        for (option, url) in [("--ispdb-url", ispdbBaseURL), ("--office365-url", office365BaseURL)] {
            if let why = URLCheck.problem(url) { return "\(option): \(why)" }
            if url.contains("?") || url.contains("#") { return "\(option): the URL may not have a query or fragment" }
        }
        guard httpTimeout > .zero else { return "the HTTP timeout must be positive" }
        return nil
    }

    /// The cache these options use, or nil when no directory can be found.
    public var lookupCache: LookupCache? {
        let directory = cacheDirectory.map { URL(fileURLWithPath: $0) } ?? LookupCache.defaultDirectory(environment: environment)
        return directory.map { LookupCache(directory: $0, ttl: cacheTTL) }
    }

    /// What shapes an answer or its trust besides the address: a cache entry made with other
    /// options is a miss. Every lookup option that can change the answer or its trust belongs in
    /// this one list (add new ones here): an answer trusted thanks to `--ca-file` must not come
    /// back trusted without it.
    public var cacheFingerprint: String {
        let components: [(String, String)] = [
            ("plugins", plugins?.joined(separator: ",") ?? "*"),
            ("offline", offline ? "1" : "0"),
            ("https-only", httpsOnly ? "1" : "0"),
            ("prefer", preferredIncoming.rawValue),
            ("providers", userProviderDirectories.map(Self.directoryStamp).joined(separator: ":")),
            ("dns-server", dnsServers.joined(separator: ",")),
            ("trust-resolver-ad", trustResolverAD ? "1" : "0"),
            ("ca-file", caFile.map(Self.fileStamp) ?? ""),
            ("resolve", resolve.joined(separator: ",")),
            ("connect-to", connectTo.joined(separator: ",")),
            ("ispdb-url", ispdbBaseURL),
            ("office365-url", office365BaseURL),
            ("plugin-options", pluginOptions.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")),
        ]
        return components.map { "\($0.0)=\($0.1)" }.joined(separator: "|")
    }

    /// A file's path, size and modification time: editing the CA file changes the key.
    private static func fileStamp(_ path: String) -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\(path)@\(attributes?.fileSize ?? 0)@\(modified)"
    }

    /// A directory's files with their sizes and modification times: adding or editing a provider
    /// file changes it, so a cached answer never hides the user's own file.
    private static func directoryStamp(_ path: String) -> String {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: path))?.sorted() ?? []
        let stamps = files.map { name -> String in
            let attributes = try? FileManager.default.attributesOfItem(atPath: path.hasSuffix("/") ? path + name : path + "/" + name)
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(name)@\(attributes?.fileSize ?? 0)@\(modified)"
        }
        return "\(path)[\(stamps.joined(separator: ","))]"
    }

    /// `--providers` directories first, then the XDG directory.
    public var userProviderDirectories: [String] {
        var directories = providerDirectories
        if readsUserDirectory, let xdg = UserProviderDirectory.path(environment: environment) { directories.append(xdg) }
        return directories
    }
}
