import AutoconfKit
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import Synchronization

/// `autoconf serve` built from a configuration: one Hummingbird application per listener, all
/// answering from one router and one `LookupService`, under one service group (graceful shutdown:
/// stop accepting, let in-flight requests finish within the grace period). Tests build it the same
/// way and read the bound ports from `listening()`.
public final class AutoconfServer: Sendable {
    public let configuration: ServiceConfiguration
    let service: LookupService
    let group: ServiceGroup
    private let bound = BoundAddresses()
    private let boundStream: AsyncStream<Void>.Continuation
    private let boundSignal: AsyncStream<Void>

    /// The addresses actually listened on, in `--listen` order, once every listener is up.
    public func listening() async -> [SocketAddress] {
        for await _ in boundSignal {
            let addresses = bound.addresses.withLock { $0 }
            if addresses.count == configuration.listen.count { return configuration.listen.indices.compactMap { addresses[$0] } }
        }
        return bound.addresses.withLock { bound in configuration.listen.indices.compactMap { bound[$0] } }
    }

    /// Bound ports in `--listen` order.
    public func ports() async -> [Int] { await listening().compactMap(\.port) }

    init(configuration: ServiceConfiguration, logger: Logger, signals: Bool) throws {
        self.configuration = configuration
        (boundSignal, boundStream) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        var postgres: PostgresCache?
        if let url = configuration.postgresURL, let settings = PostgresCacheSettings.parse(url) {
            postgres = PostgresCache(settings: settings, logger: logger, timeout: configuration.postgresTimeout, retry: configuration.postgresRetry)
        }
        let service = LookupService(configuration: configuration, logger: logger, shared: postgres)
        self.service = service
        let router = Router(context: ServiceRequestContext.self)
        router.add(middleware: RequestLogMiddleware(logger: logger, metrics: service.metrics))
        router.add(middleware: ErrorMiddleware(logger: logger))
        router.add(middleware: LimitsMiddleware(maxURILength: configuration.maxURILength, rateLimiter: service.rateLimiter, trustedProxies: service.trustedProxies))
        if !configuration.publishDirectories.isEmpty {
            let signer = try configuration.signCertificate.map { certificate in
                try ProfileSigner(certificateFile: certificate, keyFile: configuration.signKey ?? "")
            }
            let box = try PublisherBox(directories: configuration.publishDirectories, signer: signer)
            if signals { box.reloadOnHangup(logger: logger) }
            router.add(middleware: PublishMiddleware(box: box, readTimeout: configuration.readTimeout))
        }
        service.addRoutes(to: router)
        let responder = router.buildResponder()

        let idle = TimeAmount.nanoseconds(Int64(configuration.idleTimeout.components.seconds) * 1_000_000_000 + configuration.idleTimeout.components.attoseconds / 1_000_000_000)
        let http1 = HTTPServerBuilder.http1(configuration: .init(idleTimeout: idle))
        let server: HTTPServerBuilder
        if !configuration.tlsPairs.isEmpty {
            server = try .tls(http1, tlsConfiguration: try ServedCertificates(configuration.tlsPairs).tlsConfiguration())
        } else {
            server = http1
        }
        var services: [any Service] = []
        if let postgres { services.append(postgres.service) }
        var quietLogger = logger
        quietLogger.logLevel = max(logger.logLevel, .warning)
        let bound = self.bound
        let boundStream = self.boundStream
        for (index, address) in configuration.listen.enumerated() {
            let application = Application(
                responder: responder, server: server,
                configuration: ApplicationConfiguration(address: .hostname(address.host, port: address.port), serverName: nil, backlog: 1024),
                onServerRunning: { channel in
                    if let local = channel.localAddress {
                        bound.addresses.withLock { $0[index] = local }
                        logger.notice("listening", metadata: ["address": "\(configuration.tlsCertificate == nil ? "http" : "https")://\(ListenAddress(host: address.host, port: local.port ?? address.port))"])
                    }
                    boundStream.yield()
                },
                logger: quietLogger)
            services.append(application)
        }
        // Last in, first told of the shutdown: /readyz answers 503 from then on.
        services.append(ShutdownWatcher(service: service))
        group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                gracefulShutdownSignals: signals ? [.sigterm, .sigint] : [], cancellationSignals: [], logger: quietLogger)
                .withGracePeriod(configuration.gracePeriod))
    }

    /// Runs until shut down (a signal, `shutdown()`, or cancellation).
    public func run() async throws {
        defer { boundStream.finish() }
        try await group.run()
    }

    /// Graceful shutdown: new connections are refused, in-flight requests finish (up to the grace
    /// period), then `run` returns.
    public func shutdown() async { await group.triggerGracefulShutdown() }
}

final class BoundAddresses: Sendable {
    let addresses = Mutex<[Int: SocketAddress]>([:])
}

extension ServiceGroupConfiguration {
    func withGracePeriod(_ period: Duration) -> Self {
        var copy = self
        copy.maximumGracefulShutdownDuration = period
        return copy
    }
}

/// Builds the service; `signals: true` (the executable) shuts down gracefully on SIGTERM/SIGINT.
public func buildApplication(_ configuration: ServiceConfiguration, logger: Logger? = nil, signals: Bool = false) throws -> AutoconfServer {
    if let problem = configuration.problem() { throw ServiceConfigurationError(message: problem) }
    var log = logger ?? Logger(label: "autoconf-serve")
    if logger == nil { log.logLevel = configuration.logLevel }
    do {
        return try AutoconfServer(configuration: configuration, logger: log, signals: signals)
    } catch let error as ServiceConfigurationError {
        throw error
    } catch let error as PublishedDomains.LoadError {
        throw ServiceConfigurationError(message: "--publish: \(error.description.split(whereSeparator: \.isNewline).joined(separator: " "))")
    } catch let error as ProfileSigner.SignError {
        throw ServiceConfigurationError(message: error.description)
    } catch let error as NIOSSLError {
        throw ServiceConfigurationError(message: "--tls-cert/--tls-key: cannot load the certificate or key (\(error))")
    } catch {
        throw ServiceConfigurationError(message: "--tls-cert/--tls-key: cannot load the certificate or key")
    }
}

public struct ServiceConfigurationError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Marks the service as shutting down when the group begins its graceful shutdown.
struct ShutdownWatcher: Service {
    let service: LookupService
    func run() async throws {
        try? await gracefulShutdown()
        service.beginShutdown()
    }
}
