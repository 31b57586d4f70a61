import ArgumentParser
import AutoconfCommandOptions
import AutoconfKit
import AutoconfService
import Foundation
import Logging

/// `autoconf-serve` (also `autoconf serve`, which runs this binary): the resolver as an HTTP service.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autoconf-serve",
        abstract: "Serve lookups over HTTP, with the setup page at /.",
        discussion: """
            GET /v1/lookup?email=E returns the JSON of `autoconf lookup --json`; GET / is the setup page. \
            See docs/service.md for every route, limit and status.

            Exit codes: 0 stopped (SIGTERM/SIGINT), 2 bad option, 3 a listener could not be opened.

            Examples:
              autoconf serve
              autoconf serve --listen 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem
              autoconf serve --listen 127.0.0.1:8080 --listen [::1]:8080 --cache postgres://autoconf@db/autoconf
            """,
        version: AutoconfVersion.string)

    @Option(name: .long, help: ArgumentHelp("Listen here (repeatable; default 127.0.0.1:8080; [::1]:8080 for IPv6; port 0 picks one).", valueName: "host:port"))
    var listen: [String] = []

    @Option(name: .long, help: ArgumentHelp("Serve HTTPS with this PEM certificate chain (with --tls-key; repeatable: chosen by SNI, the first by default).", valueName: "pem"))
    var tlsCert: [String] = []

    @Option(name: .long, help: ArgumentHelp("The PEM private key for the --tls-cert in the same position.", valueName: "pem"))
    var tlsKey: [String] = []

    @Option(name: .long, help: ArgumentHelp("Shared cache: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (default: in memory only).", valueName: "url"))
    var cache: String?

    @Option(name: .long, help: ArgumentHelp("Memory for the in-process cache, MiB (default 32; 0: off).", valueName: "mib"))
    var cacheMemory: Int = 32

    @Option(name: .long, help: ArgumentHelp("How long cached answers are used, seconds (default 86400).", valueName: "seconds"))
    var cacheTtl: Double = 86400

    @Option(name: .long, help: ArgumentHelp("Lookups running at once; more get 503 (default 64).", valueName: "n"))
    var maxConcurrent: Int = 64

    @Option(name: .long, help: ArgumentHelp("Requests a second per client to /v1 routes (token bucket; default 20; 0: off).", valueName: "n"))
    var rate: Double = 20

    @Option(name: .long, help: ArgumentHelp("Requests a client may make at once before --rate applies (default 40).", valueName: "n"))
    var burst: Int = 40

    @Option(name: .long, help: ArgumentHelp("Largest request body, bytes (default 1048576).", valueName: "bytes"))
    var maxBody: Int = 1 << 20

    @Option(name: .long, help: ArgumentHelp("Longest request target (path and query), bytes (default 4096).", valueName: "bytes"))
    var maxUri: Int = 4096

    @Option(name: .long, help: ArgumentHelp("A lookup's deadline when the request names none, seconds (default 10).", valueName: "seconds"))
    var timeout: Double = 10

    @Option(name: .long, help: ArgumentHelp("The most a request may ask for with timeout=, seconds (default 30).", valueName: "seconds"))
    var maxTimeout: Double = 30

    @Option(name: .long, help: ArgumentHelp("Close connections idle this long, seconds (default 60).", valueName: "seconds"))
    var idleTimeout: Double = 60

    @Option(name: .long, help: ArgumentHelp("A request body must arrive within this, seconds (default 10).", valueName: "seconds"))
    var readTimeout: Double = 10

    @Option(name: .long, help: ArgumentHelp("After SIGTERM/SIGINT, let in-flight requests finish this long, seconds (default 30).", valueName: "seconds"))
    var gracePeriod: Double = 30

    @Option(name: .long, help: ArgumentHelp("Addresses in one /v1/batch request (default 1000).", valueName: "n"))
    var maxBatch: Int = 1000

    @Option(name: .long, help: ArgumentHelp("Believe X-Forwarded-For/-Proto from this proxy address (repeatable).", valueName: "ip"))
    var trustedProxy: [String] = []

    @Option(name: .long, help: ArgumentHelp("Log level: debug (logs addresses), info (one line a request), notice, warning, error.", valueName: "level"))
    var logLevel: String = "info"

    @Option(name: .long, help: ArgumentHelp("Publish these provider files to mail clients (autoconfig, .well-known, Autodiscover, mobileconfig; routed by Host; repeatable; reloaded on SIGHUP).", valueName: "dir"))
    var publish: [String] = []

    @Option(name: .long, help: ArgumentHelp("Sign published mobileconfig profiles with this PEM certificate (chain after it; with --sign-key).", valueName: "pem"))
    var signCert: String?

    @Option(name: .long, help: ArgumentHelp("The PEM private key for --sign-cert.", valueName: "pem"))
    var signKey: String?

    // The lookups' source and network options, declared once for `autoconf lookup` and this.
    @OptionGroup(title: "Sources") var selection: SourceSelectionOptions
    @OptionGroup(title: "Sources") var sources: SourceOptions
    @OptionGroup(title: "Network") var network: NetworkOptions

    static func duration(_ seconds: Double) -> Duration { .milliseconds(Int64((seconds * 1000).rounded())) }

    func serviceConfiguration() throws -> ServiceConfiguration {
        var addresses: [ListenAddress] = []
        for text in listen {
            guard let address = ListenAddress.parse(text) else { throw Failure(code: 2, message: "--listen '\(text.prefix(100))': expected HOST:PORT, [IPv6]:PORT or PORT") }
            addresses.append(address)
        }
        guard let level = Logger.Level(rawValue: logLevel.lowercased()) else { throw Failure(code: 2, message: "--log-level must be one of debug, info, notice, warning, error") }
        for (name, value) in [("--cache-ttl", cacheTtl), ("--timeout", timeout), ("--max-timeout", maxTimeout), ("--idle-timeout", idleTimeout), ("--read-timeout", readTimeout), ("--grace-period", gracePeriod)] {
            guard value.isFinite, value > 0, value <= 1e7 else { throw Failure(code: 2, message: "\(name) must be a positive number of seconds") }
        }
        guard cacheMemory >= 0, cacheMemory <= 1 << 20 else { throw Failure(code: 2, message: "--cache-memory must be between 0 and 1048576 MiB") }
        var options = AutoconfOptions()
        selection.apply(to: &options)
        sources.apply(to: &options)
        network.apply(to: &options)
        var configuration = ServiceConfiguration(
            listen: addresses.isEmpty ? [ListenAddress(host: "127.0.0.1", port: 8080)] : addresses, tlsCertificate: tlsCert.first, tlsKey: tlsKey.first,
            options: options, maxConcurrentLookups: maxConcurrent, ratePerSecond: rate, rateBurst: burst, maxBodyBytes: maxBody,
            maxURILength: maxUri, defaultTimeout: Self.duration(timeout), maxTimeout: Self.duration(maxTimeout),
            idleTimeout: Self.duration(idleTimeout), readTimeout: Self.duration(readTimeout), cacheMemoryBytes: cacheMemory << 20,
            cacheTTL: Self.duration(cacheTtl), postgresURL: cache, gracePeriod: Self.duration(gracePeriod), maxBatchLines: maxBatch,
            logLevel: level)
        guard tlsCert.count == tlsKey.count else { throw Failure(code: 2, message: "give one --tls-key for each --tls-cert, in the same order") }
        configuration.moreTLSPairs = zip(tlsCert, tlsKey).dropFirst().map { TLSPair(certificate: $0, key: $1) }
        configuration.trustedProxies = trustedProxy
        configuration.publishDirectories = publish
        configuration.signCertificate = signCert
        configuration.signKey = signKey
        return configuration
    }

    func run() async throws {
        let configuration = try serviceConfiguration()
        let server: AutoconfServer
        do {
            server = try buildApplication(configuration, signals: true)
        } catch {
            throw Failure(code: 2, message: "\(error)")
        }
        do {
            try await server.run()
        } catch {
            throw Failure(code: 3, message: "cannot serve: \(String(describing: error).prefix(300))")
        }
    }
}

struct Failure: Error {
    var code: Int32
    var message: String
}

LoggingSystem.bootstrap { label in
    var handler = ServiceLogHandler(label: label)
    handler.logLevel = .trace
    return handler
}
do {
    let command = try Serve.parse()
    try await command.run()
    exit(0)
} catch let failure as Failure {
    FileHandle.standardError.write(Data("autoconf serve: \(failure.message)\n".utf8))
    exit(failure.code)
} catch {
    let code = Serve.exitCode(for: error)
    if code == .success {
        print(Serve.fullMessage(for: error))
        exit(0)
    }
    let message = Serve.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
    FileHandle.standardError.write(Data("autoconf serve: \(message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message) (see 'autoconf serve --help')\n".utf8))
    exit(2)
}
