/// Shared services that plugins use (HTTP client, DNS resolver, provider catalogs...), keyed by
/// type so the engine needs to know none of them. A plugin declares a key next to its service:
///
/// ```swift
/// enum HTTPClientKey: ServiceKey { typealias Value = any HTTPFetching }
/// let http = context.services[HTTPClientKey.self]
/// ```
public protocol ServiceKey {
    associatedtype Value: Sendable
}

public struct LookupServices: Sendable {
    private var storage: [ObjectIdentifier: any Sendable] = [:]

    public init() {}

    public subscript<Key: ServiceKey>(key: Key.Type) -> Key.Value? {
        get { storage[ObjectIdentifier(key)] as? Key.Value }
        set { storage[ObjectIdentifier(key)] = newValue }
    }

    public func with<Key: ServiceKey>(_ key: Key.Type, _ value: Key.Value) -> LookupServices {
        var copy = self
        copy[key] = value
        return copy
    }
}
