import AutoconfKit
import Foundation
import Hummingbird
import NIOCore

/// `GET /v1/lookup/stream`: Server-Sent Events. `trace` for each plugin's progress, `answer` (the
/// CLI's JSON document of the best answer so far) each time it changes, `result` (the final
/// document) last; `error` instead of `result` if the lookup could not run. Bad input is a 400
/// before the stream starts.
extension LookupService {
    func stream(_ parameters: LookupParameters) throws -> Response {
        let (autoconf, email) = try prepare(parameters)
        let slot = try slot()
        let updates = autoconf.updates(email.address)
        let metrics = self.metrics
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store", .init("X-Accel-Buffering")!: "no"],
            body: ResponseBody { writer in
                let start = ContinuousClock.now
                defer { withExtendedLifetime(slot) {} }
                do {
                    for try await update in updates {
                        switch update {
                        case .trace(let event):
                            try await writer.write(Self.event("trace", JSONResponse.encoder.encode(TraceJSON(event))))
                        case .answer(let candidate):
                            let provisional = LookupResult(email: email, candidates: [candidate], reports: [], elapsedMilliseconds: 0, deadlineReached: false)
                            try await writer.write(Self.event("answer", LookupJSON.encode(provisional, pretty: false)))
                        case .result(let result):
                            metrics.lookupFinished(duration: ContinuousClock.now - start, winner: result.best?.provenance.plugin)
                            try await writer.write(Self.event("result", LookupJSON.encode(result, pretty: false)))
                        }
                    }
                } catch let error as AutoconfError {
                    try await writer.write(Self.event("error", JSONResponse.encoder.encode(APIError.ErrorBody(error: error.description))))
                }
                try await writer.finish(nil)
            })
    }

    static func event(_ name: String, _ json: Data) -> ByteBuffer {
        var buffer = ByteBuffer(string: "event: \(name)\ndata: ")
        buffer.writeBytes(json)
        buffer.writeString("\n\n")
        return buffer
    }

    static func event(_ name: String, _ json: String) -> ByteBuffer {
        ByteBuffer(string: "event: \(name)\ndata: \(json)\n\n")
    }
}

/// A trace event as the stream sends it.
struct TraceJSON: Encodable {
    var plugin: String
    var event: String
    var detail: String?
    var atMs: Double
    var durationMs: Double?

    init(_ trace: TraceEvent) {
        plugin = trace.plugin
        atMs = (trace.atMilliseconds * 1000).rounded() / 1000
        durationMs = trace.durationMilliseconds.map { ($0 * 1000).rounded() / 1000 }
        switch trace.kind {
        case .started: event = "started"
        case .sourceTried(let source): event = "trying"; detail = source
        case .note(let text): event = "note"; detail = text
        case .found(let count): event = "found"; detail = String(count)
        case .notFound(let why): event = "notFound"; detail = why
        case .unsupported: event = "unsupported"
        case .failed(let failure): event = "failed"; detail = "\(failure.kind.rawValue): \(failure.message)"
        case .cancelled(let why): event = "cancelled"; detail = why
        }
        if let text = detail, text.count > 500 { detail = String(text.prefix(500)) }
    }
}
