#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Checks whether a mail server really answers on a host and port: connects (honouring
/// `--resolve` / `--connect-to`), does a real TLS handshake with certificate and hostname
/// validation (implicit TLS, or after STARTTLS, which is actually performed), reads the greeting
/// and capabilities, and says goodbye. Sends no credentials.
///
/// Each probe runs on a thread of its own (sockets and OpenSSL block there, never on Swift's
/// cooperative threads); cancelling the calling task ends it within 50 ms.
package final class MailProber: Sendable {
    package let caFile: String?
    package let overrides: ConnectOverrides

    package init(caFile: String? = nil, overrides: ConnectOverrides = ConnectOverrides()) {
        self.caFile = caFile
        self.overrides = overrides
    }

    /// Starts loading the trust store in the background, so the first probe does not wait for it:
    /// OpenSSL reads the whole system bundle (SSL_CERT_FILE or its default) in tens of
    /// milliseconds, which would otherwise come after the DNS answer and the TCP handshake instead
    /// of beside them. Cheap to call again; the store is loaded once per CA file per process.
    package func prepare() {
        TLSContextCache.shared.preload(caFile: caFile)
    }

    /// Probes `target` at `addresses` (already resolved) within `timeout` and the deadline.
    package func probe(_ target: MailProbeTarget, addresses: [String], timeout: Duration, deadline: ContinuousClock.Instant? = nil) async -> Result<MailProbeResult, MailProbeError> {
        let caFile = self.caFile
        let route = overrides.route(host: target.host, port: target.port)
        let connectTo = route.addresses ?? addresses
        guard !connectTo.isEmpty else { return .failure(.resolve(target.host)) }
        var end = ContinuousClock.now.advanced(by: timeout)
        if let deadline { end = min(end, deadline) }
        let limit = end
        let flag = CancelFlag()
        let answer = ProbeAnswer()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<MailProbeResult, MailProbeError>, Never>) in
                guard answer.store(continuation) else { return }
                DetachedThread.start(name: "autoconf-probe") {
                    // OpenSSL writes to the socket with write(2): a server that has closed the
                    // connection would raise SIGPIPE and kill the whole process. Blocking it on this
                    // thread (the signal is directed at the writing thread) turns it into EPIPE,
                    // without touching the embedding process's signal handling.
                    var pipe = sigset_t()
                    sigemptyset(&pipe)
                    sigaddset(&pipe, SIGPIPE)
                    pthread_sigmask(SIG_BLOCK, &pipe, nil)
                    // The TLS context (the first one loads the trust store) is fetched only once the
                    // TCP connection stands, so loading and connecting overlap (see `prepare`).
                    answer.resume(Self.run(
                        target, addresses: connectTo, port: route.port, tls: { TLSContextCache.shared.context(caFile: caFile) },
                        deadline: limit, flag: flag))
                }
            }
        } onCancel: {
            // The caller gets its answer now; the thread sees the flag within 50 ms and ends.
            flag.cancel()
            answer.resume(.failure(.cancelled))
        }
    }

    private static func run(
        _ target: MailProbeTarget, addresses: [String], port: Int, tls context: () -> Result<TLSContext, MailProbeError>,
        deadline: ContinuousClock.Instant, flag: CancelFlag
    ) -> Result<MailProbeResult, MailProbeError> {
        let start = ContinuousClock.now
        do throws(MailProbeError) {
            let connection = try MailConnection.open(addresses: addresses, port: port, deadline: deadline, isCancelled: flag.isCancelled)
            let tls = try context().get()
            let dialogue = MailDialogue(connection: connection, type: target.type)
            var socket = SocketType.plain
            var certificate: MailConnection.TLSOutcome?
            if target.security == .ssl {
                certificate = try connection.startTLS(host: target.host, context: tls)
                socket = .ssl
            }
            let greeting = try dialogue.greeting()
            var capabilities: [String]
            if let announced = dialogue.greetingCapabilities(greeting) { capabilities = announced } else { capabilities = try dialogue.capabilities() }
            if target.security == .startTLS, dialogue.offersStartTLS(capabilities) {
                guard try dialogue.requestStartTLS() else { throw .tls("the server refused STARTTLS") }
                certificate = try connection.startTLS(host: target.host, context: tls)
                socket = .startTLS
                // Capabilities from before TLS could have been forged on the wire: ask again.
                capabilities = try dialogue.capabilities()
            }
            dialogue.goodbye()
            return .success(MailProbeResult(
                target: target, socketType: socket, certificateValid: certificate?.certificateValid,
                certificateProblem: certificate?.problem, certificateExpires: certificate?.expires, greeting: String(greeting.prefix(200)), capabilities: capabilities,
                authentication: MailCapabilities.authentication(capabilities, type: target.type), address: connection.address,
                milliseconds: (ContinuousClock.now - start).milliseconds))
        } catch {
            return .failure(error)
        }
    }
}

package enum MailProberKey: ServiceKey {
    package typealias Value = MailProber
}

/// Loading the system trust store takes tens of milliseconds, so a TLS context is made only when
/// a probe needs one, once per CA file for the life of the process.
final class TLSContextCache: Sendable {
    static let shared = TLSContextCache()
    private let contexts = Mutex<[String: Result<TLSContext, MailProbeError>]>([:])
    private let preloading = Mutex<Set<String>>([])

    /// Builds the context for `caFile` on a thread of its own, once.
    func preload(caFile: String?) {
        let first = preloading.withLock { $0.insert(caFile ?? "").inserted }
        guard first else { return }
        DetachedThread.start(name: "autoconf-tls") { _ = self.context(caFile: caFile) }
    }

    func context(caFile: String?) -> Result<TLSContext, MailProbeError> {
        // Made under the lock: two probes starting at once load the trust store only once.
        contexts.withLock { contexts in
            let key = caFile ?? ""
            if let cached = contexts[key] { return cached }
            let made: Result<TLSContext, MailProbeError>
            do throws(MailProbeError) { made = .success(try TLSContext(caFile: caFile)) } catch { made = .failure(error) }
            contexts[key] = made
            return made
        }
    }
}

/// A probe's one answer: the thread's result, or `.cancelled` as soon as the caller is cancelled,
/// whichever comes first (a cancelled caller does not wait for the thread to notice).
final class ProbeAnswer: Sendable {
    private enum State {
        case waiting
        case awaiting(CheckedContinuation<Result<MailProbeResult, MailProbeError>, Never>)
        case cancelled
        case done
    }
    private let state = Mutex(State.waiting)

    /// Stores the continuation; false (and the continuation resumed with `.cancelled`) when the
    /// caller was cancelled before it got here.
    func store(_ continuation: CheckedContinuation<Result<MailProbeResult, MailProbeError>, Never>) -> Bool {
        let cancelled = state.withLock { state -> Bool in
            guard case .waiting = state else { return true }
            state = .awaiting(continuation)
            return false
        }
        if cancelled { continuation.resume(returning: .failure(.cancelled)) }
        return !cancelled
    }

    func resume(_ result: Result<MailProbeResult, MailProbeError>) {
        let continuation = state.withLock { state -> CheckedContinuation<Result<MailProbeResult, MailProbeError>, Never>? in
            switch state {
            case .awaiting(let continuation):
                state = .done
                return continuation
            case .waiting:
                state = .cancelled
                return nil
            case .cancelled, .done:
                return nil
            }
        }
        continuation?.resume(returning: result)
    }
}

/// Set by the cancelling task, read by the probe thread.
final class CancelFlag: Sendable {
    private let cancelled = Mutex(false)

    func cancel() { cancelled.withLock { $0 = true } }

    func isCancelled() -> Bool { cancelled.withLock { $0 } }
}
