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
    /// Changed only by `withLookupOptions` (LookupUpdates.swift), which checks them again; the
    /// network options it cannot change stay as `parsed` holds them.
    public internal(set) var options: AutoconfOptions
    /// The first unusable option, as one line, or nil. Checked once per set of options, and
    /// every lookup with a problem throws `.invalidOption` with it.
    public internal(set) var optionsProblem: String?
    /// The options as typed values, parsed once and handed to the HTTP client, the prober and
    /// the login test.
    let parsed: ParsedOptions
    /// The plugins a lookup may run, in rank order: the built-in ones and `additionalPlugins`.
    public var registry: PluginRegistry
    /// Made once, so consecutive lookups share one HTTP client (and its open connections), one
    /// DNS channel and one prober.
    let services: LookupServices

    /// `additionalPlugins` rank above the built-in ones unless placed with `registry.register`.
    public init(options: AutoconfOptions = AutoconfOptions(), additionalPlugins: [any ProviderPlugin] = []) {
        self.options = options
        switch options.parsed() {
        case .success(let parsed):
            self.parsed = parsed
            optionsProblem = nil
        case .failure(let problem):
            parsed = ParsedOptions()
            optionsProblem = problem.message
        }
        services = BuiltInPlugins.services(options: options, parsed: parsed)
        var registry = BuiltInPlugins.registry(options: options)
        for (offset, plugin) in additionalPlugins.enumerated() { registry.register(plugin, at: offset) }
        self.registry = registry
    }

    /// The engine for these options: the selected plugins (`AutoconfOptions.plugins`, `offline`), the deadline and the patience.
    /// - Throws: `AutoconfError.unknownPlugin` when `plugins` names a plugin the registry lacks.
    public func resolver() throws(AutoconfError) -> Resolver {
        Resolver(
            plugins: try registry.select(options.plugins, offline: options.offline), timeout: options.timeout,
            preferredIncoming: options.preferredIncoming, patience: options.patience)
    }

    /// Looks up the settings for `address` (parsed and validated first).
    /// - Parameter observer: receives every `TraceEvent` as it happens, for `-v` or a progress display.
    /// - Throws: `AutoconfError.invalidAddress`, `.invalidOption` (`optionsProblem`) or `.unknownPlugin`; a lookup that finds nothing returns a result without candidates instead.
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
        // Only with a cache to ask: the fingerprint stats the provider directories (5% of an
        // offline batch, once per lookup).
        let fingerprint = cache == nil ? "" : options.cacheFingerprint
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
        let query = LookupQuery(email: email, realName: options.realName, httpsOnly: options.httpsOnly)
        return await (try resolver()).lookup(query, services: services, observer: observer)
    }

    /// A login tester with these options' timeout, CA file and address mappings.
    public func loginVerifier(allowPlaintext: Bool = false) -> LoginVerifier {
        LoginVerifier(options: LoginVerifier.Options(timeout: options.timeout, allowPlaintext: allowPlaintext, caFile: options.caFile,
                                                     overrides: parsed.overrides, dnsServers: options.dnsServers))
    }
}

/// Everything a front end can set. The defaults are what `autoconf lookup` does without options.
public struct AutoconfOptions: Sendable {
    /// Bounds every lookup (default 10 s).
    public var timeout: Duration
    /// Once a usable answer is in, how long to wait for better-ranked sources still running
    /// (`--patience`, default 1 s; nil: until the deadline). See `Resolver.patience`.
    public var patience: Duration? = Resolver.defaultPatience
    /// Only plugins that need no network.
    public var offline: Bool
    /// Plugin names to run, in rank order; nil runs all in the default order.
    public var plugins: [String]?
    /// The incoming protocol listed first when a source offers both IMAP and POP3 (`--prefer`).
    public var preferredIncoming: ServerType
    /// Extra provider directories (`--providers DIR`), ranked above the user's XDG directory.
    public var providerDirectories: [String]
    /// Whether `$XDG_CONFIG_HOME/autoconf/providers/` is read. Off by default in the library (it
    /// reads nothing from the user's home unless asked); the CLI turns it on unless told
    /// `--no-user-providers`.
    public var readsUserDirectory: Bool
    /// Never ask a source over plain HTTP (`--https-only`): no `http://autoconfig.D`.
    public var httpsOnly: Bool
    /// Replaces `%REALNAME%` in documents and names the account in exported files.
    public var realName: String?
    /// Where `XDG_CONFIG_HOME`, `XDG_CACHE_HOME` and `HOME` are read (the process environment by default; tests pass their own).
    public var environment: [String: String]
    /// DNS servers (`--dns-server HOST[:PORT]`, IP addresses); empty uses the system's resolvers.
    public var dnsServers: [String]
    /// Believe the AD bit of the `--dns-server` resolvers (`--trust-resolver-ad`); only allowed
    /// when every one is on loopback. Off: no DNS answer counts as DNSSEC-authenticated.
    public var trustResolverAD = false
    /// Where DNSSEC validation starts (`--trust-anchor`): the root key from dns-root-data by
    /// default, a file of DS/DNSKEY lines, or none (nothing validates).
    public var trustAnchor: DNSTrustAnchor = .root
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
    /// nil: `$XDG_CACHE_HOME/autoconf` (else `~/.cache/autoconf`), read only when `cache` is not `.off`.
    public var cacheDirectory: String?
    /// How long a cached answer is used (default one day).
    public var cacheTTL: Duration
    /// Another store for `cache` than the files in `cacheDirectory` (a service's shared cache);
    /// it must keep the same rules (`LookupCacheStore`).
    public var cacheStore: (any LookupCacheStore)? = nil
    /// The "more settings" form; empty by default.
    public var manual: ManualSettings

    /// Options with every default of `autoconf lookup`, except that nothing is read from the user's home (`readsUserDirectory`, `cache`).
    public init(
        timeout: Duration = Resolver.defaultTimeout, offline: Bool = false, plugins: [String]? = nil,
        preferredIncoming: ServerType = .imap, providerDirectories: [String] = [], readsUserDirectory: Bool = false,
        httpsOnly: Bool = false, realName: String? = nil,
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

    /// What the HTTP client is built from (the address mappings parsed from `resolve` and
    /// `connectTo`; an unusable entry is in its `problem()`).
    package var httpConfiguration: HTTPClientConfiguration {
        HTTPClientConfiguration(caFile: caFile, resolve: resolve, connectTo: connectTo)
    }

    /// The first unusable option, as the one line a user sees, or nil. `Autoconf.init` runs the
    /// same check once (`Autoconf.optionsProblem`); a front end holding an `Autoconf` asks it there.
    public func problem() -> String? {
        if case .failure(let problem) = parsed() { return problem.message }
        return nil
    }

    struct Problem: Error { var message: String }

    /// The one validation: every option that is text becomes a typed value or a one-line problem.
    func parsed() -> Result<ParsedOptions, Problem> {
        func fail(_ message: String) -> Result<ParsedOptions, Problem> { .failure(Problem(message: message)) }
        let http = httpConfiguration
        if let problem = http.problem() { return fail(problem) }
        var servers: [DNSServerAddress] = []
        for server in dnsServers {
            switch DNSServerAddress.parse(server) {
            case .success(let address): servers.append(address)
            case .failure(let error): return fail(error.message)
            }
        }
        if trustResolverAD {
            guard !servers.isEmpty else { return fail("--trust-resolver-ad needs --dns-server with a validating resolver on loopback (127.0.0.1, ::1)") }
            if let (text, _) = zip(dnsServers, servers).first(where: { !$0.1.isLoopback }) {
                return fail("--trust-resolver-ad: '\(text.prefix(80))' is not a loopback address; the AD bit of a resolver across the network can be forged")
            }
        }
        if trustAnchor != .root {
            if trustResolverAD { return fail("--trust-anchor and --trust-resolver-ad exclude each other (with --trust-resolver-ad the resolver validates)") }
            if let problem = trustAnchor.problem { return fail(problem) }
        }
        for (option, url) in [("--ispdb-url", ispdbBaseURL), ("--office365-url", office365BaseURL)] {
            if let why = URLCheck.problem(url) { return fail("\(option): \(why)") }
            if url.contains("?") || url.contains("#") { return fail("\(option): the URL may not have a query or fragment") }
        }
        guard httpTimeout > .zero else { return fail("the HTTP timeout must be positive") }
        return .success(ParsedOptions(http: http, dnsServers: servers))
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
            ("trust-anchor", trustAnchor.path.map(Self.fileStamp) ?? "none"),
            ("ca-file", caFile.map(Self.fileStamp) ?? ""),
            ("resolve", resolve.joined(separator: ",")),
            ("connect-to", connectTo.joined(separator: ",")),
            ("ispdb-url", ispdbBaseURL),
            ("office365-url", office365BaseURL),
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

/// `AutoconfOptions` after its one validation: what the services are built from.
struct ParsedOptions: Sendable {
    var http = HTTPClientConfiguration(overrides: ConnectOverrides())
    var dnsServers: [DNSServerAddress] = []

    var overrides: ConnectOverrides { http.overrides }
}
