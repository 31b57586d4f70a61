import ArgumentParser
import AutoconfCommandOptions
import AutoconfKit
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

struct Providers: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "providers",
        abstract: "List, show and validate provider definition files.",
        discussion: """
            Provider files are config-v1.1 XML documents, one per provider, listing all of its \
            domains. autoconf has many built in; your own go in $XDG_CONFIG_HOME/autoconf/providers/ \
            (or --providers DIR) and win over the built-in ones.
            """,
        subcommands: [List.self, Show.self, Validate.self])

    struct Sources: ParsableArguments {
        @OptionGroup var directories: ProviderDirectoryOptions

        /// User catalogs first (they win), then the bundled one.
        func catalogs() -> [(String, ProviderCatalog)] {
            var options = AutoconfOptions()
            directories.apply(to: &options)
            return [("user", ProviderCatalog.loadAll(options.userProviderDirectories)), ("bundled", BundledProviders.catalog)]
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List every known provider and its domains.")
        @OptionGroup var sources: Sources
        @Flag(name: .long, help: "Print JSON.") var json = false

        func run() throws {
            struct Row: Encodable { let id: String; let name: String; let domains: [String]; let source: String }
            var rows: [Row] = []
            var errors: [String] = []
            for (_, catalog) in sources.catalogs() {
                errors += catalog.errors
                for entry in catalog.entries {
                    rows.append(Row(id: entry.configuration.providerID ?? "-", name: entry.configuration.displayName ?? "-",
                                    domains: entry.configuration.domains, source: entry.source))
                }
            }
            if json {
                print(LookupJSON.encode(rows))
            } else {
                var table = [["PROVIDER", "NAME", "DOMAINS", "SOURCE"]]
                for row in rows {
                    let shown = row.domains.prefix(4).joined(separator: " ") + (row.domains.count > 4 ? " +\(row.domains.count - 4)" : "")
                    table.append([row.id, row.name, shown, row.source])
                }
                print(TextReport.table(table).joined(separator: "\n"))
                print("\n\(rows.count) providers, \(rows.reduce(0) { $0 + $1.domains.count }) domains")
            }
            for error in errors { printError(error) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show the provider definition that a domain matches.")
        @Argument(help: "A domain (or an email address).") var domain: String
        @OptionGroup var sources: Sources
        @Option(name: .long, help: "Output format: xml or json.") var format: String = "xml"

        func run() throws {
            let input = domain.contains("@") ? domain : "postmaster@\(domain)"
            let email: EmailAddress
            do { email = try EmailAddress(input) } catch { throw BadInput("invalid domain '\(domain)': \(error)") }
            for (_, catalog) in sources.catalogs() {
                guard let entry = catalog.entry(for: email.domain) else { continue }
                if format == "json" {
                    print(LookupJSON.encode(entry.configuration))
                } else {
                    print("<!-- \(entry.source) -->")
                    print(ConfigXMLWriter.document(for: entry.configuration), terminator: "")
                }
                return
            }
            printError("no provider file lists \(email.domain)")
            throw ExitStatus(code: Exit.notFound)
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Check provider files: well-formed, safe, and usable.",
            discussion: "Prints one line per file (and one per skipped section). Exits 2 when any file is invalid.")
        @Argument(help: "Provider files to check.") var files: [String]

        func run() throws {
            var failed = 0
            for path in files {
                guard let data = FileManager.default.contents(atPath: path) else {
                    printError("\(path): cannot read the file")
                    failed += 1
                    continue
                }
                do {
                    let document = try ConfigXMLReader().read(Array(data), source: path)
                    let configuration = document.configuration
                    let what = configuration.isUsable
                        ? "\(configuration.incoming.count) incoming, \(configuration.outgoing.count) outgoing"
                        : "no standard protocol (explained)"
                    print("\(path): ok (\(configuration.domains.count) domains, \(what))")
                    for warning in document.warnings { print("  warning: \(warning)") }
                    if !document.refusedWildcards.isEmpty {
                        printError("\(path): wildcard on a public suffix: \(document.refusedWildcards.joined(separator: ", "))")
                        failed += 1
                    }
                } catch {
                    printError(error.description)
                    failed += 1
                }
            }
            if failed > 0 { throw ExitStatus(code: Exit.badInput) }
        }
    }
}
