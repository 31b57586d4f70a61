/// The ordered set of plugins a lookup may use. Order is rank: earlier ranks higher. Front ends
/// select and reorder by name (`--plugins a,b,c`); embedding tools register their own plugins
/// beside the built-in ones.
public struct PluginRegistry: Sendable {
    /// The plugins in rank order (earlier ranks higher).
    public private(set) var plugins: [any ProviderPlugin]

    /// A registry of `plugins`, ranked in the order given.
    public init(_ plugins: [any ProviderPlugin] = []) {
        self.plugins = plugins
    }

    /// Every plugin's name, in rank order (what `--plugins` accepts).
    public var names: [String] { plugins.map(\.name) }

    /// The plugin called `name`, or nil.
    public func plugin(named name: String) -> (any ProviderPlugin)? { plugins.first { $0.name == name } }

    /// Adds a plugin at a rank position (default: after every other plugin); a plugin with the
    /// same name is replaced in place.
    public mutating func register(_ plugin: any ProviderPlugin, at position: Int? = nil) {
        if let existing = plugins.firstIndex(where: { $0.name == plugin.name }) {
            plugins[existing] = plugin
            return
        }
        let index = min(max(position ?? plugins.count, 0), plugins.count)
        plugins.insert(plugin, at: index)
    }

    /// Adds a plugin directly before the named one (or last when that one is absent).
    public mutating func register(_ plugin: any ProviderPlugin, before name: String) {
        register(plugin, at: plugins.firstIndex { $0.name == name })
    }

    /// The plugins to run, in rank order: `selection` (names, in the order given) or all of them;
    /// `offline` drops every plugin that needs the network.
    public func select(_ selection: [String]?, offline: Bool) throws(AutoconfError) -> [any ProviderPlugin] {
        var chosen: [any ProviderPlugin]
        if let selection {
            chosen = []
            for name in selection {
                guard let plugin = plugin(named: name) else { throw .unknownPlugin(name, available: names) }
                if !chosen.contains(where: { $0.name == name }) { chosen.append(plugin) }
            }
        } else {
            chosen = plugins
        }
        if offline { chosen = chosen.filter { !$0.needsNetwork } }
        return chosen
    }
}
