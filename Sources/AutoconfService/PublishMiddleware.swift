import AutoconfKit
import Dispatch
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The published provider files, swapped whole on reload: requests in flight keep the publisher
/// they started with, so reloading (SIGHUP) drops no connection and never mixes two versions.
final class PublisherBox: Sendable {
    let directories: [String]
    let signer: ProfileSigner?
    private let current: Mutex<Publisher>

    /// Loads and validates; a problem is one line (the service refuses to start).
    init(directories: [String], signer: ProfileSigner?) throws(PublishedDomains.LoadError) {
        self.directories = directories
        self.signer = signer
        current = Mutex(Publisher(try PublishedDomains(directories: directories), profileSigner: signer))
    }

    var publisher: Publisher { current.withLock { $0 } }

    /// Reads the files again; on any problem the running set stays and the problem is returned.
    func reload() -> String? {
        do {
            let fresh = Publisher(try PublishedDomains(directories: directories), profileSigner: signer)
            current.withLock { $0 = fresh }
            return nil
        } catch {
            // One log line, whatever the reader's message holds.
            return error.description.split(whereSeparator: \.isNewline).joined(separator: " ")
        }
    }

    /// Reloads on every SIGHUP, on a thread of its own (a signal handler may do nothing else).
    func reloadOnHangup(logger: Logger) {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP)
        source.setEventHandler { [self] in
            if let problem = reload() {
                logger.error("publish: reload refused, still serving the previous files", metadata: ["problem": "\(problem)"])
            } else {
                logger.notice("publish: reloaded", metadata: ["domains": "\(publisher.published.domains.count)"])
            }
        }
        source.resume()
        hangup = source  // set once, before any signal arrives; kept for the process
    }

    nonisolated(unsafe) private var hangup: (any DispatchSourceSignal)?
}

/// Answers the mail clients' own setup requests (autoconfig, `.well-known`, Autodiscover POX and
/// v2, mobileconfig) from the published files, routed by `Host`; every other path goes on to the
/// API. The publisher itself (AutoconfKit/Publish) decides everything; this only translates.
struct PublishMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    let box: PublisherBox
    /// `--read-timeout`: a POX body must arrive within it.
    let readTimeout: Duration
    static let host = HTTPField.Name("Host")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Publisher.endpoint(forPath: request.uri.path) != nil else { return try await next(request, context) }
        // The HTTP layer makes the first Host the authority and leaves any further one among the
        // fields: two Host headers are ambiguous, and refused (RFC 9112 §3.2).
        if !request.headers[values: Self.host].isEmpty {
            return Response(status: .badRequest, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: "more than one Host header\n")))
        }
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters where query[String(key)] == nil { query[String(key)] = String(value) }
        var body: [UInt8] = []
        if request.method == .post {
            // One byte over the POX limit is enough to answer 413; a body trickled slower than
            // --read-timeout (slowloris) is cut with 408, as the API's bodies are.
            let stream = request.body
            do {
                body = try await withDeadline(readTimeout) {
                    var buffer = try await stream.collect(upTo: AutodiscoverRequestReader.maximumSize + 1)
                    return buffer.readBytes(length: buffer.readableBytes) ?? []
                }
            } catch is DeadlineExceeded {
                return Response(status: .requestTimeout, headers: [.contentType: "text/plain; charset=utf-8", .connection: "close"],
                                body: .init(byteBuffer: ByteBuffer(string: "the request body did not arrive in time\n")))
            } catch {
                // Larger than any request: the publisher answers 413 for an oversize body.
                body = [UInt8](repeating: 0x20, count: AutodiscoverRequestReader.maximumSize + 1)
            }
        }
        let answer = box.publisher.respond(PublishRequest(
            method: request.method.rawValue, host: request.head.authority, path: request.uri.path, query: query, body: body))
        guard let answer else { return try await next(request, context) }
        var headers = HTTPFields()
        for (name, value) in answer.headers.sorted(by: { $0.key < $1.key }) {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(status: .init(code: answer.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
