import AutoconfKit
import Foundation
import Hummingbird
import NIOCore

/// Every route is a small function of the request and the shared `LookupService`.
extension LookupService {
    func addRoutes(to router: Router<ServiceRequestContext>) {
        router.get("/") { _, _ in
            Response(
                status: .ok,
                headers: [
                    .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                    .init("Content-Security-Policy")!: "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
                    .init("X-Content-Type-Options")!: "nosniff", .init("Referrer-Policy")!: "no-referrer",
                ],
                body: .init(byteBuffer: ByteBuffer(string: SetupPage.html)))
        }
        router.get("/healthz") { _, _ in JSONResponse.make(["status": "ok"]) }
        router.get("/readyz") { _, _ in self.readiness() }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: self.metrics.render())))
        }
        router.get("/openapi.json") { _, _ in JSONResponse.make(string: OpenAPIDocument.json) }
        router.get("/v1/lookup") { request, _ in try await self.lookupResponse(try LookupParameters.from(query: request)) }
        router.post("/v1/lookup") { request, _ in try await self.lookupResponse(try LookupParameters.from(json: try await self.jsonBody(of: request))) }
        router.get("/v1/lookup/stream") { request, _ in try self.stream(try LookupParameters.from(query: request)) }
        router.post("/v1/verify") { request, context in try await self.verify(request, context: context) }
        router.post("/v1/batch") { request, _ in try await self.batch(request) }
    }

    func readiness() -> Response {
        struct Readiness: Encodable {
            var status: String
            var cache: String
        }
        let cache = cache.shared.map { $0.available ? "postgres" : "postgres-unavailable" } ?? (cache.memory == nil ? "off" : "memory")
        if isShuttingDown { return JSONResponse.make(status: .serviceUnavailable, Readiness(status: "shutting down", cache: cache)) }
        return JSONResponse.make(Readiness(status: "ready", cache: cache))
    }

    /// 200 with the CLI's `--json` document, found or not.
    func lookupResponse(_ parameters: LookupParameters) async throws -> Response {
        JSONResponse.make(string: try await lookupBody(parameters))
    }
}
