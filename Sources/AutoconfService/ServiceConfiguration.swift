import AutoconfKit
import Logging

/// Everything `autoconf serve` can be told (docs/service.md lists the flags and why each default).
public struct ServiceConfiguration: Sendable {
    /// One listener each; `127.0.0.1:8080` by default.
    public var listen: [ListenAddress]
    /// PEM files: every listener speaks HTTPS when set. This first pair is also the one served
    /// when no pair's certificate names the client's SNI.
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// Further `--tls-cert`/`--tls-key` pairs, in order: the first whose certificate names the
    /// SNI (SAN DNS names, wildcards as TLS matches them) is served.
    public var moreTLSPairs: [TLSPair] = []

    /// Every certificate/key pair, the default first.
    public var tlsPairs: [TLSPair] {
        guard let tlsCertificate, let tlsKey else { return [] }
        return [TLSPair(certificate: tlsCertificate, key: tlsKey)] + moreTLSPairs
    }
    /// The lookups' network options (CA file, DNS servers, address mappings, provider directories,
    /// ISPDB and Office 365 URLs). Per-request fields only change the per-lookup ones.
    public var options: AutoconfOptions

    /// Lookups (each single lookup, stream, verify, batch) running at once; beyond it: 503.
    public var maxConcurrentLookups: Int
    /// Per-client token bucket for the /v1 routes: this many requests per second on average,
    /// up to `rateBurst` at once; beyond it: 429. 0 turns the limit off.
    public var ratePerSecond: Double
    public var rateBurst: Int
    /// Request bodies larger than this: 413.
    public var maxBodyBytes: Int
    /// Request targets (path and query) longer than this: 414.
    public var maxURILength: Int
    /// A lookup's deadline when the request names none, and the cap on what it may name.
    public var defaultTimeout: Duration
    public var maxTimeout: Duration
    /// Connections idle (nothing read or written) this long are closed.
    public var idleTimeout: Duration
    /// A request body must arrive within this (slow clients).
    public var readTimeout: Duration
    /// Memory for the in-process cache (bytes of cache entries); 0 turns it off.
    public var cacheMemoryBytes: Int
    public var cacheTTL: Duration
    /// `postgres://user:password@host:port/database`: a cache shared by every instance.
    public var postgresURL: String?
    /// The bound of every PostgreSQL call, and how often an unavailable database is tried again.
    var postgresTimeout: Duration = .milliseconds(500)
    var postgresRetry: Duration = .seconds(5)
    /// How long in-flight requests may take to finish after SIGTERM/SIGINT.
    public var gracePeriod: Duration
    /// Addresses in one batch request; more: 413.
    public var maxBatchLines: Int
    /// Domains a batch looks up at once.
    public var batchJobs: Int
    public var logLevel: Logger.Level
    /// Peers (IP addresses) whose X-Forwarded-For and X-Forwarded-Proto are believed: a reverse
    /// proxy in front of the service (docs/deployment.md).
    public var trustedProxies: [String] = []
    /// `--publish DIR` (repeatable): answer mail clients' setup requests from these provider files.
    public var publishDirectories: [String] = []
    /// `--sign-cert`/`--sign-key`: sign published mobileconfig profiles.
    public var signCertificate: String?
    public var signKey: String?

    public init(
        listen: [ListenAddress] = [ListenAddress(host: "127.0.0.1", port: 8080)], tlsCertificate: String? = nil, tlsKey: String? = nil,
        options: AutoconfOptions = AutoconfOptions(), maxConcurrentLookups: Int = 64, ratePerSecond: Double = 20, rateBurst: Int = 40,
        maxBodyBytes: Int = 1 << 20, maxURILength: Int = 4096, defaultTimeout: Duration = .seconds(10), maxTimeout: Duration = .seconds(30),
        idleTimeout: Duration = .seconds(60), readTimeout: Duration = .seconds(10), cacheMemoryBytes: Int = 32 << 20,
        cacheTTL: Duration = LookupCache.defaultTTL, postgresURL: String? = nil, gracePeriod: Duration = .seconds(30),
        maxBatchLines: Int = 1000, batchJobs: Int = 4, logLevel: Logger.Level = .info
    ) {
        self.listen = listen
        self.tlsCertificate = tlsCertificate
        self.tlsKey = tlsKey
        self.options = options
        self.maxConcurrentLookups = maxConcurrentLookups
        self.ratePerSecond = ratePerSecond
        self.rateBurst = rateBurst
        self.maxBodyBytes = maxBodyBytes
        self.maxURILength = maxURILength
        self.defaultTimeout = defaultTimeout
        self.maxTimeout = maxTimeout
        self.idleTimeout = idleTimeout
        self.readTimeout = readTimeout
        self.cacheMemoryBytes = cacheMemoryBytes
        self.cacheTTL = cacheTTL
        self.postgresURL = postgresURL
        self.gracePeriod = gracePeriod
        self.maxBatchLines = maxBatchLines
        self.batchJobs = batchJobs
        self.logLevel = logLevel
    }

    /// The first unusable setting, as one line, or nil.
    public func problem() -> String? {
        if listen.isEmpty { return "--listen: give at least one HOST:PORT" }
        if (tlsCertificate == nil) != (tlsKey == nil) { return "--tls-cert and --tls-key go together" }
        if tlsCertificate == nil && !moreTLSPairs.isEmpty { return "--tls-cert and --tls-key go together" }
        if (signCertificate == nil) != (signKey == nil) { return "--sign-cert and --sign-key go together" }
        if signCertificate != nil && publishDirectories.isEmpty { return "--sign-cert signs published profiles: give --publish DIR" }
        if maxConcurrentLookups < 1 { return "--max-concurrent must be at least 1" }
        if ratePerSecond < 0 || rateBurst < 1 { return "--rate must be 0 (off) or positive, --burst at least 1" }
        if maxBodyBytes < 1024 { return "--max-body must be at least 1024 bytes" }
        if maxURILength < 256 { return "--max-uri must be at least 256 bytes" }
        if defaultTimeout <= .zero || maxTimeout <= .zero || defaultTimeout > maxTimeout { return "--timeout must be positive and at most --max-timeout" }
        if maxTimeout > .seconds(600) { return "--max-timeout must be at most 600 seconds" }
        if idleTimeout <= .zero || readTimeout <= .zero { return "--idle-timeout and --read-timeout must be positive" }
        if cacheMemoryBytes < 0 { return "--cache-memory must not be negative" }
        if maxBatchLines < 1 || !(1...64).contains(batchJobs) { return "--max-batch must be at least 1, --batch-jobs between 1 and 64" }
        if let postgresURL, PostgresCacheSettings.parse(postgresURL) == nil {
            return "--cache: expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
        }
        return options.problem()
    }
}

/// One `--tls-cert`/`--tls-key` pair of PEM files.
public struct TLSPair: Sendable, Hashable {
    public var certificate: String
    public var key: String

    public init(certificate: String, key: String) {
        self.certificate = certificate
        self.key = key
    }
}

/// `HOST:PORT`, `[IPv6]:PORT` or `PORT` (on 127.0.0.1).
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public static func parse(_ text: String) -> ListenAddress? {
        var host = "127.0.0.1"
        var portText = Substring(text)
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
            guard host.contains(":") else { return nil }
        } else if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
            if host.contains(":") || host.isEmpty { return nil }
        }
        guard let port = Int(portText), (0...65535).contains(port), !host.isEmpty, host.count <= 253,
              host.allSatisfy({ $0.isLetter || $0.isNumber || ".-:_".contains($0) })
        else { return nil }
        return ListenAddress(host: host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
