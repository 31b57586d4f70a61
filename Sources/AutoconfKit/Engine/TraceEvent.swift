#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What happened during a lookup, for `-v` and for front ends that show progress.
public struct TraceEvent: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What happened.
    public enum Kind: Sendable, Hashable, Codable {
        /// The plugin started.
        case started
        /// A plugin tried a source (URL, DNS name, host:port).
        case sourceTried(String)
        /// Free-form progress from a plugin.
        case note(String)
        /// The plugin answered with this many configurations.
        case found(Int)
        /// The plugin's source had nothing for the address, and why.
        case notFound(String)
        /// The provider is known and offers no standard protocol.
        case unsupported
        /// The plugin failed, and how.
        case failed(PluginFailure)
        /// The resolver stopped the plugin: a result it cannot beat is in, or the deadline passed.
        case cancelled(String)
    }

    /// The plugin the event is about (`cache` for a cached answer).
    public var plugin: String
    /// What happened.
    public var kind: Kind
    /// Milliseconds since the lookup started.
    public var atMilliseconds: Double
    /// On outcome events: how long the plugin ran.
    public var durationMilliseconds: Double?

    /// An event; plugins report through `PluginContext.trace` instead.
    public init(plugin: String, kind: Kind, atMilliseconds: Double, durationMilliseconds: Double? = nil) {
        self.plugin = plugin
        self.kind = kind
        self.atMilliseconds = atMilliseconds
        self.durationMilliseconds = durationMilliseconds
    }

    /// One line for `-v`: time, plugin and what happened.
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
