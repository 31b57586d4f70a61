import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The progress line of a long `--batch` on standard error — done/total, rate, errors, ETA — one
/// line redrawn in place at most ten times a second. Made only when standard error is a terminal
/// and `--quiet` is not given, so a redirected stderr never gets control characters.
final class BatchProgress: Sendable {
    private struct State {
        var done = 0
        var errors = 0
        var lastDraw: ContinuousClock.Instant?
    }

    private let total: Int
    private let start = ContinuousClock.now
    private let state = Mutex(State())

    init(total: Int) { self.total = total }

    func countError() { state.withLock { $0.errors += 1 } }

    func lineDone() {
        let line = state.withLock { state -> String? in
            state.done += 1
            let now = ContinuousClock.now
            if let last = state.lastDraw, now - last < .milliseconds(100) { return nil }
            state.lastDraw = now
            return Self.line(done: state.done, total: total, errors: state.errors, elapsed: now - start)
        }
        if let line { StandardStreams.writeError("\r\u{1B}[K" + line) }
    }

    /// The last state, then a newline so the shell prompt starts on a line of its own.
    func finish() {
        let line = state.withLock { Self.line(done: $0.done, total: total, errors: $0.errors, elapsed: ContinuousClock.now - start) }
        StandardStreams.writeError("\r\u{1B}[K" + line + "\n")
    }

    static func line(done: Int, total: Int, errors: Int, elapsed: Duration) -> String {
        let seconds = max(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, 0.001)
        let rate = Double(done) / seconds
        var parts = ["\(done)/\(total) addresses", "\(Int(rate.rounded()))/s", errors == 1 ? "1 error" : "\(errors) errors"]
        if done < total, rate > 0 { parts.append("ETA \(Int((Double(total - done) / rate).rounded(.up))) s") }
        return parts.joined(separator: "  ")
    }
}

/// Batch output lines gathered into large writes: one write(2) per JSON line cost more than an
/// offline lookup. Lines are written out at the end of each burst the batch emits (`flush`, after
/// each finished lookup, so an online batch still streams) or when 64 KiB have gathered.
/// Bytes, not a String: a batch copies tens of megabytes of held lines out at its end, on one
/// thread, and appending to a String cost three times appending to an array.
final class BatchOutput: Sendable {
    private let buffer = Mutex<[UInt8]>([])

    func append(_ line: String) {
        append { $0.append(contentsOf: line.utf8) }
    }

    /// Appends the line `write` writes into the buffer (and a newline).
    func append(_ write: (inout [UInt8]) -> Void) {
        let ready = buffer.withLock { buffer -> [UInt8]? in
            write(&buffer)
            buffer.append(UInt8(ascii: "\n"))
            guard buffer.count >= 65536 else { return nil }
            defer { buffer = [] }
            return buffer
        }
        if let ready { StandardStreams.writeOutput(ready) }
    }

    func flush() {
        let rest = buffer.withLock { buffer -> [UInt8] in
            defer { buffer = [] }
            return buffer
        }
        if !rest.isEmpty { StandardStreams.writeOutput(rest) }
    }
}
