import ArgumentParser
import AutoconfKit
import Foundation

struct Lookup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Look up the mail server settings for an address.",
        discussion: """
            Runs the enabled sources at once and prints the best configuration: trusted answers win \
            over ones to confirm, then the higher-ranked source wins. Each hostname is shown with its \
            registrable domain, so you can see who would receive your password.

            Examples:
              autoconf lookup alice@gmail.com
              autoconf lookup alice@example.org --json
              autoconf lookup alice@example.org --format xml > config-v1.1.xml
              autoconf lookup alice@example.org --plugins user-files,bundled --offline
              autoconf lookup alice@example.org --ca-file corp-root.pem --https-only
              autoconf lookup alice@example.org --resolve autoconfig.example.org:443:192.0.2.10
              autoconf lookup alice@example.org --plugins srv,probe --dns-server 9.9.9.9
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, xml
    }

    @Argument(help: "The email address, e.g. alice@example.org.")
    var email: String

    @Flag(name: .long, help: "Print JSON (same as --format json).")
    var json = false

    @Option(name: .long, help: "Output format: text, json (versioned schema, see README) or xml (config-v1.1).")
    var format: Format = .text

    @Flag(name: .long, help: "Use only sources that need no network (provider files).")
    var offline = false

    @Option(name: .long, help: ArgumentHelp("Sources to use, in rank order, comma-separated (see `autoconf plugins`).", valueName: "a,b,c"))
    var plugins: String?

    @Option(name: .long, help: ArgumentHelp("Give up after this many seconds (default 10).", valueName: "seconds"))
    var timeout: Double = 10

    @Option(name: .long, help: ArgumentHelp("A directory of provider files to use before all others (repeatable).", valueName: "dir"))
    var providers: [String] = []

    @Flag(name: .long, help: "Do not read $XDG_CONFIG_HOME/autoconf/providers/.")
    var noUserProviders = false

    @Option(name: .long, help: ArgumentHelp("Preferred incoming protocol when both are offered: imap or pop3.", valueName: "protocol"))
    var prefer: String = "imap"

    @Flag(name: .long, help: "Never use plain-HTTP sources.")
    var httpsOnly = false

    @Option(name: .long, help: "Your name, for documents that use %REALNAME%.")
    var realName: String?

    @Option(name: .customLong("dns-server"), help: ArgumentHelp("A DNS server to ask instead of the system's (IP address, optional :PORT; repeatable).", valueName: "host[:port]"))
    var dnsServers: [String] = []

    @Option(name: .long, help: ArgumentHelp("Also trust the CA certificates in this PEM file (enterprise roots).", valueName: "path"))
    var caFile: String?

    @Option(name: .long, help: ArgumentHelp("Connect to ADDR for HOST:PORT, as curl --resolve does (repeatable).", valueName: "host:port:addr"))
    var resolve: [String] = []

    @Option(name: .long, help: ArgumentHelp("Connect to HOST2:PORT2 for HOST:PORT, as curl --connect-to does (repeatable).", valueName: "host:port:host2:port2"))
    var connectTo: [String] = []

    @Option(name: .long, help: ArgumentHelp("ISPDB base URL; the domain is appended.", valueName: "url"))
    var ispdbURL: String = ISPDBPlugin.defaultBaseURL

    @Option(name: .long, help: ArgumentHelp("Office 365 / Autodiscover v2 base URL.", valueName: "url"))
    var office365URL: String = AutodiscoverV2Client.defaultBaseURL

    @Option(name: .long, help: ArgumentHelp("Give up on one HTTP request after this many seconds.", valueName: "seconds"))
    var httpTimeout: Double = 5

    @Flag(name: .shortAndLong, help: "Print what every source did to standard error.")
    var verbose = false

    func validate() throws {
        guard timeout > 0, timeout <= 600 else { throw ValidationError("--timeout must be between 0 and 600 seconds") }
        guard ["imap", "pop3"].contains(prefer.lowercased()) else { throw ValidationError("--prefer must be imap or pop3") }
        for directory in providers {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--providers \(directory): not a directory")
            }
        }
        guard httpTimeout > 0, httpTimeout <= 600 else { throw ValidationError("--http-timeout must be between 0 and 600 seconds") }
    }

    /// The HTTP-related options applied to `options`.
    func httpOptions(_ options: AutoconfOptions) -> AutoconfOptions {
        var options = options
        options.caFile = caFile
        options.resolve = resolve
        options.connectTo = connectTo
        options.ispdbBaseURL = ispdbURL
        options.office365BaseURL = office365URL
        options.httpTimeout = .milliseconds(Int64(httpTimeout * 1000))
        return options
    }

    func run() async throws {
        var options = AutoconfOptions()
        options.timeout = .milliseconds(Int64(timeout * 1000))
        options.offline = offline
        options.plugins = plugins.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        options.providerDirectories = providers
        options.readsUserDirectory = !noUserProviders
        options.preferredIncoming = ServerType(rawValue: prefer)
        options.httpsOnly = httpsOnly
        options.realName = realName
        options.dnsServers = dnsServers
        options = httpOptions(options)
        // One line, exit 2 (a ValidationError would add the usage text).
        if let problem = options.problem() { throw BadInput(problem) }

        let autoconf = Autoconf(options: options)
        var observer: TraceObserver?
        if verbose {
            observer = { @Sendable event in FileHandle.standardError.write(Data("\(event)\n".utf8)) }
        }
        let result = try await autoconf.lookup(email, observer: observer)

        switch json ? .json : format {
        case .text: print(TextReport.render(result), terminator: "")
        case .json: print(LookupJSON.encode(result))
        case .xml: if let best = result.best { print(ConfigXMLWriter.document(for: best.configuration), terminator: "") }
        }
        if verbose && format != .json && !json, let best = result.best {
            FileHandle.standardError.write(Data("chosen: \(best.provenance.plugin) (\(best.trust)) after \(String(format: "%.1f", result.elapsedMilliseconds)) ms\n".utf8))
        }
        if result.found { return }
        if result.unsupported == nil && !(format == .text && !json) {
            printError("no configuration found for \(result.email.address)")
        } else if let unsupported = result.unsupported, format == .xml {
            printError(unsupported.explanation)
        }
        throw ExitStatus(code: result.failedOnNetwork ? Exit.networkFailure : Exit.notFound)
    }
}
