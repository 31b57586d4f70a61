/// Answers from a catalog of provider definition files: the user's own (`user-files`, ranked
/// first) or the ones bundled in the binary (`bundled`). Offline and instant.
public struct ProviderFilesPlugin: ProviderPlugin {
    public let name: String
    public let summary: String
    public let channel: Provenance.Channel
    private let catalog: @Sendable () -> ProviderCatalog

    public var needsNetwork: Bool { false }

    /// `catalog` is evaluated on first use, so a lookup that never reaches this plugin never parses.
    public init(name: String, summary: String, channel: Provenance.Channel, catalog: @escaping @Sendable () -> ProviderCatalog) {
        self.name = name
        self.summary = summary
        self.channel = channel
        self.catalog = catalog
    }

    public static func bundled() -> ProviderFilesPlugin {
        ProviderFilesPlugin(name: "bundled", summary: "provider files built into autoconf", channel: .bundled) { BundledProviders.catalog }
    }

    public static func user(directories: [String]) -> ProviderFilesPlugin {
        let catalog = ProviderCatalog.loadAll(directories)
        return ProviderFilesPlugin(name: "user-files", summary: "your provider files (\(directories.joined(separator: ", ")))", channel: .userFile) { catalog }
    }

    public func lookup(_ query: LookupQuery, context: PluginContext) async throws -> PluginOutcome {
        let catalog = self.catalog()
        guard let entry = catalog.entry(for: query.email.domain) else {
            return .notFound("no provider file lists \(query.email.domain)")
        }
        context.trace(.sourceTried(entry.source))
        let provenance = context.provenance(
            source: entry.source, channel: channel, registrableDomains: [PublicSuffix.registrableDomain(of: query.email.domain)])
        if !entry.configuration.isUsable, let explanation = entry.configuration.unsupportedExplanation {
            return .unsupported(UnsupportedProvider(
                providerID: entry.configuration.providerID, displayName: entry.configuration.displayName,
                explanation: explanation.text ?? "this provider offers no IMAP, POP3 or SMTP access", url: explanation.url,
                plugin: name, source: entry.source))
        }
        return .found([Candidate(configuration: entry.configuration, trust: .trusted, provenance: provenance)])
    }
}

extension ProviderCatalog {
    /// Loads directories in order; a domain defined in an earlier directory wins.
    public static func loadAll(_ directories: [String]) -> ProviderCatalog {
        var catalog = ProviderCatalog()
        for directory in directories { catalog.addDirectory(directory) }
        return catalog
    }
}
