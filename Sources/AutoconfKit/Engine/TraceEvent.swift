#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What happened during a lookup, for `-v` and for front ends that show progress.
public struct TraceEvent: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable, Codable {
        case started
        /// A plugin tried a source (URL, DNS name, host:port).
        case sourceTried(String)
        /// Free-form progress from a plugin.
        case note(String)
        case found(Int)
        case notFound(String)
        case unsupported
        case failed(PluginFailure)
        /// The resolver stopped the plugin: a result it cannot beat is in, or the deadline passed.
        case cancelled(String)
    }

    public var plugin: String
    public var kind: Kind
    /// Milliseconds since the lookup started.
    public var atMilliseconds: Double
    /// On outcome events: how long the plugin ran.
    public var durationMilliseconds: Double?

    public init(plugin: String, kind: Kind, atMilliseconds: Double, durationMilliseconds: Double? = nil) {
        self.plugin = plugin
        self.kind = kind
        self.atMilliseconds = atMilliseconds
        self.durationMilliseconds = durationMilliseconds
    }

    public var description: String {
        let time = "\(atMilliseconds.fixedPoint(places: 1, width: 7)) ms"
        let what: String
        switch kind {
        case .started: what = "started"
        case .sourceTried(let source): what = "trying \(source)"
        case .note(let text): what = text
        case .found(let n): what = "found \(n) configuration\(n == 1 ? "" : "s")"
        case .notFound(let why): what = "nothing: \(why)"
        case .unsupported: what = "provider offers no standard protocol"
        case .failed(let failure): what = "failed (\(failure.kind.rawValue)): \(failure.message)"
        case .cancelled(let why): what = "cancelled: \(why)"
        }
        let duration = durationMilliseconds.map { " (\($0.fixedPoint(places: 1)) ms)" } ?? ""
        return "\(time)  \(plugin): \(what)\(duration)"
    }
}

/// Receives trace events; called from any task, so it must be thread-safe.
public typealias TraceObserver = @Sendable (TraceEvent) -> Void
