/// Shared services that plugins use (HTTP client, DNS resolver, provider catalogs...), keyed by
/// type so the engine needs to know none of them. A plugin declares a key next to its service:
///
/// ```swift
/// enum HTTPClientKey: ServiceKey { typealias Value = any HTTPFetching }
/// let http = context.services[HTTPClientKey.self]
/// ```
public protocol ServiceKey {
    /// The service's type, e.g. `any HTTPFetching`.
    associatedtype Value: Sendable
}

/// The services of one `Autoconf` (HTTP client, DNS resolver, prober…), looked up by `ServiceKey`: how plugins reach them and how tests replace them.
public struct LookupServices: Sendable {
    private var storage: [ObjectIdentifier: any Sendable] = [:]

    /// No services: plugins that need one report it missing.
    public init() {}

    /// The service stored under `key`, or nil.
    public subscript<Key: ServiceKey>(key: Key.Type) -> Key.Value? {
        get { storage[ObjectIdentifier(key)] as? Key.Value }
        set { storage[ObjectIdentifier(key)] = newValue }
    }

    /// A copy with `value` stored under `key` (replacing what was there).
    public func with<Key: ServiceKey>(_ key: Key.Type, _ value: Key.Value) -> LookupServices {
        var copy = self
        copy[key] = value
        return copy
    }
}
