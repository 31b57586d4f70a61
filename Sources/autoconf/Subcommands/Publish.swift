import ArgumentParser
import AutoconfKit

/// The domain owner's side: what to publish so that mail clients set themselves up.
struct Publish: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Print what a domain must publish for mail clients to set themselves up.",
        discussion: """
            The settings come from provider files (config-v1.1 XML). 'autoconf serve --publish DIR' \
            answers the clients' autoconfig, Autodiscover and mobileconfig requests from the same files.
            """,
        subcommands: [DNS.self])

    struct DNS: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dns",
            abstract: "Print the DNS records (zone-file syntax) a domain needs: RFC 6186/8314 SRV, autoconfig, autodiscover.")

        @Argument(help: "The mail domain.") var domain: String

        @Option(name: .long, help: ArgumentHelp("Read the provider files to publish from this directory (repeatable; every file must be valid). Without it, the built-in and your own provider files are used.", valueName: "dir"))
        var providers: [String] = []

        @Option(name: .long, help: ArgumentHelp("The host running 'autoconf serve --publish' for the domain: adds the autoconfig, autodiscover and _autodiscover._tcp records.", valueName: "host"))
        var publisher: String?

        @Option(name: .long, help: "TTL of every record, in seconds.") var ttl: Int = 3600

        func run() throws {
            let email: EmailAddress
            do { email = try EmailAddress("postmaster@\(domain)") } catch { throw BadInput("invalid domain '\(domain)': \(error)") }
            guard (60...604_800).contains(ttl) else { throw BadInput("--ttl must be between 60 and 604800 seconds") }
            if let publisher, Hostname.problem(publisher.lowercased()) != nil {
                throw BadInput("invalid --publisher '\(publisher)': \(Hostname.problem(publisher.lowercased())!)")
            }
            let entry: ProviderCatalog.Entry?
            if providers.isEmpty {
                let options = AutoconfOptions()
                entry = ProviderCatalog.loadAll(options.userProviderDirectories).entry(for: email.domain)
                    ?? BundledProviders.catalog.entry(for: email.domain)
            } else {
                do {
                    entry = try PublishedDomains(directories: providers).entry(for: email.domain)
                } catch {
                    throw BadInput(error.description)
                }
            }
            guard let entry else {
                printError("no provider file publishes \(email.domain)")
                throw ExitStatus(code: Exit.notFound)
            }
            let records = ZoneRecords(configuration: entry.configuration, domain: email.domain, publisher: publisher?.lowercased(), ttl: ttl)
            print(TerminalText.sanitizedLines(records.zoneText), terminator: "")
        }
    }
}
