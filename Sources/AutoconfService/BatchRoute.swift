import Synchronization
import AutoconfKit
import Foundation
import Hummingbird
import NIOCore

/// `POST /v1/batch`: NDJSON in (one `{"email": …}` object or JSON string a line), NDJSON out, one
/// line per input line in input order, streamed as each is ready. The batch's per-user rules hold
/// (`BatchLookup`): a domain's answer is shared only when it does not depend on the address.
/// Lookup options come from the query string (`?offline=1&plugins=…`) and apply to every line.
extension LookupService {
    struct BatchLineError: Encodable {
        var schemaVersion = LookupJSON.schemaVersion
        var line: Int
        var input: String
        var found = false
        var error: String
    }

    struct BatchItem: Decodable {
        var email: String
    }

    func batch(_ request: Request) async throws -> Response {
        var parameters = try LookupParameters.from(query: request)
        let body = try await body(of: request)
        let text = String(decoding: body.readableBytesView, as: UTF8.self)
        var parsed: [(number: Int, input: String?, error: String?)] = []
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            let data = Data(line.utf8)
            if let item = try? JSONDecoder().decode(BatchItem.self, from: data) {
                parsed.append((offset + 1, item.email, nil))
            } else if let address = try? JSONDecoder().decode(String.self, from: data) {
                parsed.append((offset + 1, address, nil))
            } else {
                parsed.append((offset + 1, nil, "line \(offset + 1) is not a JSON object with an email field"))
            }
        }
        guard parsed.count <= configuration.maxBatchLines else {
            throw APIError(.contentTooLarge, "a batch holds at most \(configuration.maxBatchLines) addresses")
        }
        // The options are checked once, on a placeholder address.
        parameters.email = "batch@example.invalid"
        let (autoconf, _) = try prepare(parameters)
        let slot = try slot()
        let jobs = configuration.batchJobs
        let entries = parsed
        let lines = entries.compactMap { entry in entry.input.map { (number: entry.number, input: $0) } }
        let positions = entries.indices.filter { entries[$0].input != nil }
        let (outputs, continuation) = AsyncStream<String>.makeStream()
        let task = Task {
            // Bad JSON lines are answered in their place, between the lookups' lines.
            let next = LockedCounter()
            let emitBadLines: @Sendable (Int) -> Void = { upTo in
                while next.value < upTo {
                    let entry = entries[next.value]
                    if let error = entry.error {
                        continuation.yield(LookupJSON.encode(BatchLineError(line: entry.number, input: "", error: error), pretty: false))
                    }
                    next.increment()
                }
            }
            await BatchLookup(autoconf: autoconf, jobs: jobs).run(lines) { index, line in
                let position = positions[index]
                emitBadLines(position)
                next.increment()
                switch line {
                case .result(let result): continuation.yield(LookupJSON.encode(result, pretty: false))
                case .error(let number, let input, let message):
                    continuation.yield(LookupJSON.encode(BatchLineError(line: number, input: String(input.prefix(320)), error: message), pretty: false))
                }
            }
            emitBadLines(entries.count)
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return Response(
            status: .ok, headers: [.contentType: "application/x-ndjson; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody { writer in
                defer { withExtendedLifetime(slot) {} }
                for await line in outputs { try await writer.write(ByteBuffer(string: line + "\n")) }
                try await writer.finish(nil)
            })
    }
}

final class LockedCounter: Sendable {
    private let stored = Mutex(0)
    var value: Int { stored.withLock { $0 } }
    func increment() { stored.withLock { $0 += 1 } }
}
