#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// The provider files compiled into the binary from `Providers/` (see Plugins/EmbedProviders),
/// each with its element tree, parsed at build time: a lookup reads only the file its domain
/// names, via the domain index built at compile time, and runs no XML parser for it; the full
/// catalog (for listing) is read on first use.
package enum BundledProviders {
    package static var files: [(name: String, contents: String)] { BundledProviderData.files }

    /// Every bundled file, read.
    package static let catalog: ProviderCatalog = {
        var catalog = ProviderCatalog()
        for number in BundledProviderData.files.indices { add(number, to: &catalog) }
        return catalog
    }()

    /// The element tree of file `number`, as HardenedXMLParser would parse its contents.
    package static func tree(_ number: Int) -> XMLElement? { EmbeddedXMLTree.decode(BundledProviderData.trees[number]) }

    static func add(_ number: Int, to catalog: inout ProviderCatalog) {
        let source = "bundled:\(BundledProviderData.files[number].name)"
        if let root = tree(number) {
            catalog.add(tree: root, source: source)
        } else {
            // Only a damaged build gets here (EmbeddedXMLTreeTests decodes every tree): parse the text.
            catalog.add(BundledProviderData.files[number].contents, source: source)
        }
    }

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
            BundledProviders.add(file, to: &catalog)
            let entry = catalog.entries.first
            parsed[file] = entry
            return entry
        }
    }
}
