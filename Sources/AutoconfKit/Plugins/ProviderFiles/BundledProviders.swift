#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// The provider files compiled into the binary from `Providers/` (see Plugins/EmbedProviders).
/// A lookup parses only the file its domain names, via the domain index built at compile time;
/// the full catalog (for listing) is parsed on first use.
package enum BundledProviders {
    package static var files: [(name: String, contents: String)] { BundledProviderData.files }

    /// Every bundled file, parsed.
    package static let catalog: ProviderCatalog = {
        var catalog = ProviderCatalog()
        for file in BundledProviderData.files { catalog.add(file.contents, source: "bundled:\(file.name)") }
        return catalog
    }()

    /// Per-domain access that parses one file at a time.
    package static let index = BundledProviderIndex()
}

package final class BundledProviderIndex: ProviderDefinitions, Sendable {
    private let exact: [String: Int]
    private let wildcards: [String: Int]
    private let parsed = Mutex<[Int: ProviderCatalog.Entry?]>([:])

    init() {
        // Built at every process start (a lookup of any domain asks it first): sized once, and
        // filled from the last file to the first, so the first file naming a domain wins with one
        // hash per domain instead of a lookup and an insert.
        var exact: [String: Int] = Dictionary(minimumCapacity: BundledProviderData.domains.count)
        var wildcards: [String: Int] = [:]
        for (domain, file) in BundledProviderData.domains.reversed() {
            if domain.hasPrefix("*.") {
                guard !ProviderCatalog.isUnsafeWildcard(domain) else { continue }
                wildcards[String(domain.dropFirst(2))] = file
            } else {
                exact[domain] = file
            }
        }
        self.exact = exact
        self.wildcards = wildcards
    }

    package func entry(for domain: String) -> ProviderCatalog.Entry? {
        guard let file = ProviderCatalog.match(domain, exact: exact, wildcards: wildcards) else { return nil }
        return parsed.withLock { parsed in
            if let cached = parsed[file] { return cached }
            var catalog = ProviderCatalog()
            let data = BundledProviderData.files[file]
            catalog.add(data.contents, source: "bundled:\(data.name)")
            let entry = catalog.entries.first
            parsed[file] = entry
            return entry
        }
    }
}
