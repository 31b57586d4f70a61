#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A set of provider definition files indexed by domain. Matching is exact, or an explicit
/// wildcard `*.example.com` (which matches subdomains of example.com, never example.com itself
/// and never `example.com.attacker.tld`); there are no regular expressions anywhere.
/// Anything that maps a domain to a provider definition.
package protocol ProviderDefinitions: Sendable {
    func entry(for domain: String) -> ProviderCatalog.Entry?
}

package struct ProviderCatalog: ProviderDefinitions {
    package struct Entry: Sendable {
        package var configuration: EmailConfiguration
        /// File path, or `bundled:NAME.xml`.
        package var source: String
        package var warnings: [String]
    }

    package private(set) var entries: [Entry] = []
    /// Problems with files that could not be used at all (shown by `-v` and `providers list`).
    package private(set) var errors: [String] = []
    private var exact: [String: Int] = [:]
    private var wildcards: [String: Int] = [:]

    package init() {}

    /// Adds a document; later additions do not override earlier ones for the same domain, so add
    /// the winning source first.
    package mutating func add(_ text: String, source: String) {
        add(source: source) { () throws(XMLParseError) in try ConfigXMLReader().read(text, source: source) }
    }

    /// Adds a document parsed at build time (EmbeddedXMLTree), read as `add(_:source:)` reads text.
    package mutating func add(tree root: XMLElement, source: String) {
        add(source: source) { () throws(XMLParseError) in try ConfigXMLReader().read(root: root, source: source) }
    }

    private mutating func add(source: String, _ read: () throws(XMLParseError) -> ConfigXMLReader.Document) {
        do {
            let document = try read()
            add(Entry(configuration: document.configuration, source: source, warnings: document.warnings))
        } catch {
            errors.append(error.description)
        }
    }

    /// `*.X` where X is itself a public suffix (`*.com`, `*.co.uk`, `*.*`): X must have a
    /// registrable domain of its own, or the wildcard claims a whole registry.
    package static func isUnsafeWildcard(_ domain: String) -> Bool {
        guard domain.hasPrefix("*.") else { return false }
        let base = String(domain.dropFirst(2))
        return base.isEmpty || base.contains("*") || PublicSuffix.isPublicSuffix(base)
    }

    package mutating func add(_ entry: Entry) {
        let index = entries.count
        entries.append(entry)
        for domain in entry.configuration.domains where !Self.isUnsafeWildcard(domain) {
            if domain.hasPrefix("*.") {
                let base = String(domain.dropFirst(2))
                if wildcards[base] == nil { wildcards[base] = index }
            } else if exact[domain] == nil {
                exact[domain] = index
            }
        }
    }

    /// Adds every `*.xml` file of a directory (sorted by name); a missing directory adds nothing.
    package mutating func addDirectory(_ directory: String) {
        let url = URL(fileURLWithPath: directory)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names.sorted() where name.hasSuffix(".xml") {
            let path = url.appendingPathComponent(name).path
            guard let data = FileManager.default.contents(atPath: path) else {
                errors.append("\(path): cannot read the file")
                continue
            }
            guard let text = String(data: data, encoding: .utf8) else {
                errors.append("\(path): not UTF-8")
                continue
            }
            add(text, source: path)
        }
    }

    /// The entry for a lowercase A-label domain: exact first, then the nearest wildcard parent.
    package func entry(for domain: String) -> Entry? {
        Self.match(domain, exact: exact, wildcards: wildcards).map { entries[$0] }
    }

    /// Exact match first, then the nearest `*.parent` wildcard.
    static func match(_ domain: String, exact: [String: Int], wildcards: [String: Int]) -> Int? {
        if let index = exact[domain] { return index }
        var rest = Substring(domain)
        while let dot = rest.firstIndex(of: ".") {
            rest = rest[rest.index(after: dot)...]
            if let index = wildcards[String(rest)] { return index }
        }
        return nil
    }

    package var domainCount: Int { exact.count + wildcards.count }
}

/// Where users put their own provider files: `$XDG_CONFIG_HOME/autoconf/providers/`
/// (default `~/.config/autoconf/providers/`).
package enum UserProviderDirectory {
    package static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            return config + "/autoconf/providers"
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.config/autoconf/providers"
    }
}
