import AutoconfKit
import Synchronization

/// `AutoconfOptions.cacheFingerprint` for a request's options, computed at most once a second per
/// set of per-request options: the fingerprint stats the CA file, the trust anchor and every
/// provider directory's files, which is most of a cached hit's cost. An edit to one of those
/// files therefore reaches the rendered-answer path within a second (the lookup path computes
/// its own fingerprint every time).
final class FingerprintMemo: Sendable {
    static let lifetime: Duration = .seconds(1)
    /// Plugin lists come from clients: at most this many option sets are remembered.
    static let capacity = 64

    private let memo = Mutex<[String: (fingerprint: String, until: ContinuousClock.Instant)]>([:])

    var count: Int { memo.withLock { $0.count } }

    func fingerprint(of options: AutoconfOptions) -> String {
        // What varies per request; everything else is the service's own configuration.
        let key = "\(options.plugins?.joined(separator: ",") ?? "*")|\(options.offline)|\(options.preferredIncoming.rawValue)|\(options.httpsOnly)"
        let now = ContinuousClock.now
        if let known = memo.withLock({ $0[key] }), known.until > now { return known.fingerprint }
        let fingerprint = options.cacheFingerprint
        memo.withLock { memo in
            if memo.count >= Self.capacity { memo.removeAll(keepingCapacity: true) }
            memo[key] = (fingerprint, now + Self.lifetime)
        }
        return fingerprint
    }
}
