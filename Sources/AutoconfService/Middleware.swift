import Foundation
import Hummingbird
import Logging

/// Outermost: one log line per request (method, path without the query — the address is in it —,
/// status, duration) and the request counter by route and status. Streamed responses are logged
/// when their head is sent.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    let logger: Logger
    let metrics: ServiceMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            // ErrorMiddleware answers everything; this is only a guard.
            response = APIError(.internalServerError, "internal error").response
        }
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let route = context.endpointPath ?? "unmatched"
        metrics.request(route: route, status: Int(response.status.code))
        if logger.logLevel <= .info {
            logger.info("request", metadata: [
                "method": "\(request.method.rawValue)", "path": "\(String(request.uri.path.prefix(200)))",
                "status": "\(response.status.code)", "duration_ms": "\((milliseconds * 1000).rounded() / 1000)",
            ])
        }
        return response
    }
}

/// Every failure becomes `{"error": "..."}` with its status; anything unexpected is a 500 with
/// "internal error" (logged), never a stack trace or an internal description.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response
        } catch let error as HTTPError {
            let message: String
            switch error.status {
            case .notFound: message = "no such route: \(request.method.rawValue) \(String(request.uri.path.prefix(100)))"
            case .methodNotAllowed: message = "method \(request.method.rawValue) is not allowed on \(String(request.uri.path.prefix(100)))"
            case .contentTooLarge: message = "the request body is too large"
            default: message = error.body ?? error.status.reasonPhrase
            }
            var response = APIError(error.status, message).response
            for field in error.headers { response.headers.append(field) }
            return response
        } catch is CancellationError {
            return APIError(.serviceUnavailable, "the server is shutting down").response
        } catch {
            logger.error("internal error", metadata: ["path": "\(String(request.uri.path.prefix(200)))", "type": "\(type(of: error))"])
            return APIError(.internalServerError, "internal error").response
        }
    }
}

/// Request targets over the limit: 414. The /v1 routes: the per-client rate limit (429).
struct LimitsMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    let maxURILength: Int
    let rateLimiter: RateLimiter
    let trustedProxies: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if (request.head.path?.utf8.count ?? 0) > maxURILength {
            throw APIError(.uriTooLong, "the request target is longer than \(maxURILength) bytes")
        }
        if request.uri.path.hasPrefix("/v1/") {
            let decision = rateLimiter.admit(ClientIdentity.of(request, context: context, trustedProxies: trustedProxies))
            if !decision.allowed {
                throw APIError(.tooManyRequests, "too many requests from this client; retry in \(decision.retryAfter) s", retryAfter: decision.retryAfter)
            }
        }
        return try await next(request, context)
    }
}

enum ClientIdentity {
    /// The peer's IP address; behind a trusted proxy, the last address it added to
    /// X-Forwarded-For.
    static func of(_ request: Request, context: ServiceRequestContext, trustedProxies: Set<String>) -> String {
        let peer = context.remoteAddress?.ipAddress ?? "unknown"
        guard trustedProxies.contains(peer), let forwarded = request.headers[.init("X-Forwarded-For")!] else { return peer }
        let last = forwarded.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return last.isEmpty ? peer : String(last.prefix(64))
    }

    /// Whether the client's own connection is encrypted or stays on this machine: a TLS listener,
    /// or a loopback listener (not behind a trusted proxy that says the client used plain HTTP).
    static func isPrivate(_ request: Request, context: ServiceRequestContext, tls: Bool, trustedProxies: Set<String>) -> Bool {
        let peer = context.remoteAddress?.ipAddress ?? ""
        if trustedProxies.contains(peer), let proto = request.headers[.init("X-Forwarded-Proto")!] {
            return proto.lowercased() == "https"
        }
        return tls || context.listenerIsLoopback
    }
}
