import Foundation

/// Runs blocking work (starting a server process, waiting for its READY line) on a thread of its
/// own, so tests running in parallel never tie up Swift's few cooperative threads (two on a
/// two-core machine) and timing-sensitive tests elsewhere keep their threads.
public func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
