#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The provider files a domain owner publishes, read with the same reader and refusals as a
/// lookup. Unlike a lookup, which skips a bad file and goes on, publishing refuses to start on
/// any problem: a server that silently drops a domain would hand its users no settings at all.
package struct PublishedDomains: Sendable {
    package struct LoadError: Error, Sendable, CustomStringConvertible {
        package var problems: [String]
        package var description: String {
            problems.count == 1 ? problems[0] : "\(problems.count) problems: " + problems.joined(separator: "; ")
        }
    }

    package let catalog: ProviderCatalog

    /// Loads every `*.xml` of each directory. Refused: unreadable or invalid files, wildcards on
    /// a public suffix, a public suffix as a domain, and a domain claimed by two files.
    package init(directories: [String]) throws(LoadError) {
        var catalog = ProviderCatalog()
        var problems: [String] = []
        for directory in directories {
            guard (try? FileManager.default.contentsOfDirectory(atPath: directory)) != nil else {
                problems.append("\(directory): not a readable directory")
                continue
            }
            catalog.addDirectory(directory)
        }
        // A lookup skips what it cannot use and goes on; a publisher must not publish less than
        // the file says, so every reader warning (a refused domain, a skipped server) is fatal.
        problems += catalog.errors + catalog.entries.flatMap(\.warnings)
        var owner: [String: String] = [:]
        for entry in catalog.entries {
            for domain in entry.configuration.domains {
                if ProviderCatalog.isUnsafeWildcard(domain) {
                    problems.append("\(entry.source): the wildcard \(domain) covers a public suffix")
                } else if !domain.hasPrefix("*."), PublicSuffix.isPublicSuffix(domain) {
                    problems.append("\(entry.source): \(domain) is a public suffix, not a mail domain")
                } else if let first = owner[domain] {
                    problems.append("\(entry.source): \(domain) is already published by \(first)")
                } else {
                    owner[domain] = entry.source
                }
            }
        }
        if catalog.entries.isEmpty && problems.isEmpty {
            problems.append("no provider files (*.xml) in \(directories.joined(separator: ", "))")
        }
        guard problems.isEmpty else { throw LoadError(problems: problems) }
        self.catalog = catalog
    }

    /// The published entry for a lowercase A-label mail domain.
    package func entry(for domain: String) -> ProviderCatalog.Entry? { catalog.entry(for: domain) }

    /// Every published domain, wildcards included, sorted.
    package var domains: [String] { catalog.entries.flatMap(\.configuration.domains).sorted() }

    /// The mail domain a request's `Host` header stands for: `autoconfig.D`, `autodiscover.D` or
    /// `D` itself, with any port, one trailing dot and letter case removed, U-labels turned into
    /// A-labels. nil when the host names no published domain (or is an IP address).
    package func domain(forHost header: String?) -> String? {
        guard var host = header?.trimmed.lowercased(), !host.isEmpty, !host.hasPrefix("[") else { return nil }
        if let colon = host.lastIndex(of: ":") {
            guard host[host.index(after: colon)...].allSatisfy(\.isASCIIDigit) else { return nil }
            host = String(host[..<colon])
        }
        if host.hasSuffix(".") { host.removeLast() }
        guard case .success(let ascii) = IDNA.toASCII(host), Hostname.problem(ascii) == nil, !IPAddress.isLiteral(ascii) else { return nil }
        for prefix in ["autoconfig.", "autodiscover."] where ascii.hasPrefix(prefix) {
            let rest = String(ascii.dropFirst(prefix.count))
            if entry(for: rest) != nil { return rest }
        }
        return entry(for: ascii) != nil ? ascii : nil
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
