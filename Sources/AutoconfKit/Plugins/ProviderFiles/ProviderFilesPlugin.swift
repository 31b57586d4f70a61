#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// Answers from a catalog of provider definition files: the user's own (`user-files`, ranked
/// first) or the ones bundled in the binary (`bundled`). Offline and instant.
package struct ProviderFilesPlugin: ProviderPlugin {
    package let name: String
    package let summary: String
    package var authority: AuthorityClass? { .providerFiles }
    package let channel: Provenance.Channel
    private let definitions: any ProviderDefinitions

    package var needsNetwork: Bool { false }
    package var answersInstantly: Bool { true }

    package init(name: String, summary: String, channel: Provenance.Channel, definitions: any ProviderDefinitions) {
        self.name = name
        self.summary = summary
        self.channel = channel
        self.definitions = definitions
    }

    package static func bundled() -> ProviderFilesPlugin {
        ProviderFilesPlugin(name: "bundled", summary: "provider files built into autoconf", channel: .bundled, definitions: BundledProviders.index)
    }

    /// The directories are read on the first lookup, not when the plugin is made.
    package static func user(directories: [String]) -> ProviderFilesPlugin {
        ProviderFilesPlugin(
            name: "user-files", summary: "your provider files (\(directories.joined(separator: ", ")))", channel: .userFile,
            definitions: LazyDirectoryCatalog(directories: directories))
    }

    package func lookup(_ query: LookupQuery, context: PluginContext) async throws -> PluginOutcome {
        guard let entry = definitions.entry(for: query.email.domain) else {
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
        var candidates = [Candidate(configuration: entry.configuration, trust: .trusted, provenance: provenance)]
        // A user file that overrides a bundled domain is said so, and the bundled answer stays
        // as an alternative (the bundled source never runs after an instant trusted answer).
        if channel == .userFile, let bundled = BundledProviders.index.entry(for: query.email.domain), bundled.configuration.isUsable {
            context.trace(.note("your provider file \(entry.source) overrides the bundled one for \(query.email.domain)"))
            let bundledProvenance = Provenance(
                plugin: "bundled", source: bundled.source, channel: .bundled,
                registrableDomains: [PublicSuffix.registrableDomain(of: query.email.domain)])
            candidates.append(Candidate(configuration: bundled.configuration, trust: .trusted, provenance: bundledProvenance, subrank: 1))
        }
        return .found(candidates)
    }
}

extension ProviderCatalog {
    /// Loads directories in order; a domain defined in an earlier directory wins.
    package static func loadAll(_ directories: [String]) -> ProviderCatalog {
        var catalog = ProviderCatalog()
        for directory in directories { catalog.addDirectory(directory) }
        return catalog
    }
}

/// Provider directories loaded once, on first use.
final class LazyDirectoryCatalog: ProviderDefinitions, Sendable {
    private let directories: [String]
    private let catalog = Mutex<ProviderCatalog?>(nil)

    init(directories: [String]) { self.directories = directories }

    func entry(for domain: String) -> ProviderCatalog.Entry? {
        catalog.withLock { catalog in
            if catalog == nil { catalog = ProviderCatalog.loadAll(directories) }
            return catalog?.entry(for: domain)
        }
    }
}
