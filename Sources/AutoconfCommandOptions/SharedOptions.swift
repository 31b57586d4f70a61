import ArgumentParser
import AutoconfKit
#if canImport(Glibc)
import Glibc
#endif

// The option groups both executables declare: `autoconf` (lookup, verify, check) and
// `autoconf-serve`. One declaration each, so the two cannot drift apart in names, help or
// validation; what they mean is checked once more by `AutoconfOptions.problem()`, whose one-line
// messages both executables print. `package`: they are our front ends' API, not the library's.

/// Where connections go and whom to trust (HTTPS, probing and the login test alike).
package struct NetworkOptions: ParsableArguments {
    @Option(name: .customLong("dns-server"), help: ArgumentHelp("A DNS server to ask instead of the system's (IP address, optional :PORT; repeatable).", valueName: "host[:port]"))
    package var dnsServers: [String] = []

    @Flag(name: .customLong("trust-resolver-ad"), help: "Believe the DNSSEC AD bit of the --dns-server resolvers (loopback addresses only: run a validating resolver on this machine).")
    package var trustResolverAD = false

    @Option(name: .customLong("trust-anchor"), help: ArgumentHelp("Validate DNSSEC from the DS/DNSKEY records in this file instead of the root key (dns-root-data); 'none': validate nothing.", valueName: "file"))
    package var trustAnchor: String?

    @Option(name: .long, help: ArgumentHelp("Also trust the CA certificates in this PEM file (enterprise roots).", valueName: "path"))
    package var caFile: String?

    @Option(name: .long, help: ArgumentHelp("Connect to ADDR for HOST:PORT, as curl --resolve does (repeatable).", valueName: "host:port:addr"))
    package var resolve: [String] = []

    @Option(name: .long, help: ArgumentHelp("Connect to HOST2:PORT2 for HOST:PORT, as curl --connect-to does (repeatable).", valueName: "host:port:host2:port2"))
    package var connectTo: [String] = []

    package init() {}

    package func apply(to options: inout AutoconfOptions) {
        options.dnsServers = dnsServers
        options.trustResolverAD = trustResolverAD
        if let trustAnchor { options.trustAnchor = DNSTrustAnchor(argument: trustAnchor) }
        options.caFile = caFile
        options.resolve = resolve
        options.connectTo = connectTo
    }
}

/// Where the central HTTP sources are asked, and how long one HTTP request may take.
package struct SourceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("ISPDB base URL; the domain is appended.", valueName: "url"))
    package var ispdbURL: String = ISPDBPlugin.defaultBaseURL

    @Option(name: .long, help: ArgumentHelp("Office 365 / Autodiscover v2 base URL.", valueName: "url"))
    package var office365URL: String = AutodiscoverV2Client.defaultBaseURL

    @Option(name: .long, help: ArgumentHelp("Give up on one HTTP request after this many seconds.", valueName: "seconds"))
    package var httpTimeout: Double = 5

    package init() {}

    package func validate() throws {
        guard httpTimeout > 0, httpTimeout <= 600 else { throw ValidationError("--http-timeout must be between 0 and 600 seconds") }
    }

    package func apply(to options: inout AutoconfOptions) {
        options.ispdbBaseURL = ispdbURL
        options.office365BaseURL = office365URL
        options.httpTimeout = .milliseconds(Int64(httpTimeout * 1000))
    }
}

/// Which sources may answer at all: extra provider directories, the user's own, plain HTTP.
package struct SourceSelectionOptions: ParsableArguments {
    @OptionGroup package var providerFiles: ProviderDirectoryOptions

    @Flag(name: .long, help: "Never use plain-HTTP sources.")
    package var httpsOnly = false

    package init() {}

    package func apply(to options: inout AutoconfOptions) {
        providerFiles.apply(to: &options)
        options.httpsOnly = httpsOnly
    }
}

/// Which provider files are read besides the bundled ones: `lookup`, `autoconf-serve` (through
/// `SourceSelectionOptions`) and `providers` list, show and match them the same way.
package struct ProviderDirectoryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A directory of provider files to use before all others (repeatable).", valueName: "dir"))
    package var providers: [String] = []

    @Flag(name: .long, help: "Do not read $XDG_CONFIG_HOME/autoconf/providers/.")
    package var noUserProviders = false

    package init() {}

    package func validate() throws {
        for directory in providers where !isDirectory(directory) {
            throw ValidationError("--providers \(directory): not a directory")
        }
    }

    package func apply(to options: inout AutoconfOptions) {
        options.providerDirectories = providers
        options.readsUserDirectory = !noUserProviders
    }
}

/// True when `path` is a directory, following symbolic links (FileManager.fileExists(atPath:
/// isDirectory:) takes an ObjCBool under full Foundation and a Bool under FoundationEssentials).
package func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
}
