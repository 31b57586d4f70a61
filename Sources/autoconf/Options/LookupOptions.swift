import ArgumentParser
import AutoconfCommandOptions
import AutoconfKit

/// Every option `lookup` and `verify` share, one group per concern (each under its own heading in
/// --help), so both commands show, complete and parse the same options.
struct LookupOptions: ParsableArguments {
    @OptionGroup(title: "Output") var output: OutputOptions
    @OptionGroup(title: "Sources") var sources: QueryOptions
    @OptionGroup(title: "Sources") var selection: SourceSelectionOptions
    @OptionGroup(title: "Sources") var endpoints: SourceOptions
    @OptionGroup(title: "Network") var network: NetworkOptions
    @OptionGroup(title: "Login test") var login: VerifyOptions
    @OptionGroup(title: "Manual settings") var manual: ManualOptions
    @OptionGroup(title: "Cache") var cache: CacheOptions

    /// The one place the options become an `Autoconf` (see `checkedAutoconf`).
    func autoconf() throws -> Autoconf { try checkedAutoconf(autoconfOptions()) }

    /// What the options ask of the library.
    func autoconfOptions() throws -> AutoconfOptions {
        var options = AutoconfOptions()
        sources.apply(to: &options)
        selection.apply(to: &options)
        endpoints.apply(to: &options)
        network.apply(to: &options)
        options.cache = cache.policy
        options.manual = try manual.settings()
        return options
    }
}

/// `Autoconf`'s init validates the options once; a problem is one line and exit 2 (a
/// ValidationError would add the usage text).
func checkedAutoconf(_ options: AutoconfOptions) throws -> Autoconf {
    let autoconf = Autoconf(options: options)
    if let problem = autoconf.optionsProblem { throw BadInput(problem) }
    return autoconf
}

/// What is printed.
struct OutputOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, xml, aerc, neomutt, mbsync, himalaya, mobileconfig

        var exporter: ExportFormat? { self == .text || self == .json ? nil : ExportFormat(rawValue: rawValue) }
    }

    @Flag(name: .long, help: "Print JSON (same as --format json).")
    var json = false

    @Option(name: .long, help: "Output format: text, json (versioned schema, see README), xml (config-v1.1, Thunderbird), aerc, neomutt, mbsync (isync + msmtp), himalaya or mobileconfig (Apple).")
    var format: Format = .text

    @Flag(name: .shortAndLong, help: "Print what every source did to standard error.")
    var verbose = false

    /// `--json` wins over `--format`.
    var choice: OutputChoice { OutputChoice(format: json ? .json : format, verbose: verbose) }
}

/// What the output options decide: the format (`--json` already applied) and the trace.
struct OutputChoice: Equatable {
    var format: OutputOptions.Format = .text
    var verbose = false
}

/// Which sources run and how one lookup asks them (the service takes these per request instead).
struct QueryOptions: ParsableArguments {
    @Flag(name: .long, help: "Use only sources that need no network (provider files).")
    var offline = false

    @Option(name: .long, help: ArgumentHelp("Sources to use, in rank order, comma-separated (see `autoconf plugins`).", valueName: "a,b,c"))
    var plugins: String?

    @Option(name: .long, help: ArgumentHelp("Give up after this many seconds (default 10; the login test has its own deadline of the same length).", valueName: "seconds"))
    var timeout: Double = 10

    @Option(name: .long, help: ArgumentHelp("Once an answer is in, wait at most this many seconds for better-ranked sources still running (default 1).", valueName: "seconds"))
    var patience: Double = 1

    @Option(name: .long, help: ArgumentHelp("Preferred incoming protocol when both are offered: imap or pop3.", valueName: "protocol"))
    var prefer: String = "imap"

    @Option(name: .long, help: "Your name, for documents that use %REALNAME% and for exported files.")
    var realName: String?

    func validate() throws {
        guard timeout > 0, timeout <= 600 else { throw ValidationError("--timeout must be between 0 and 600 seconds") }
        guard ["imap", "pop3"].contains(prefer.lowercased()) else { throw ValidationError("--prefer must be imap or pop3") }
        guard patience >= 0, patience <= 600 else { throw ValidationError("--patience must be between 0 and 600 seconds") }
    }

    func apply(to options: inout AutoconfOptions) {
        options.timeout = .milliseconds(Int64(timeout * 1000))
        options.patience = .milliseconds(Int64(patience * 1000))
        options.offline = offline
        options.plugins = plugins.map { $0.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty } }
        options.preferredIncoming = ServerType(rawValue: prefer)
        options.realName = realName
    }
}

/// The login test's inputs (the password never comes from argv).
struct VerifyOptions: ParsableArguments {
    @Flag(name: .long, help: "Read the password from the first line of standard input.")
    var passwordStdin = false

    @Option(name: .long, help: ArgumentHelp("Read the password from this environment variable.", valueName: "name"))
    var passwordEnv: String?

    @Flag(name: .long, help: "Accept a configuration that needs confirming without asking (check its servers first).")
    var yes = false

    @Flag(name: .long, help: "Allow the login test to send the password over an unencrypted connection.")
    var allowPlaintext = false

    func validate() throws {
        if passwordStdin && passwordEnv != nil { throw ValidationError("--password-stdin and --password-env exclude each other") }
    }

    var isEmpty: Bool { !passwordStdin && passwordEnv == nil && !allowPlaintext }

    var passwordSource: PasswordSource { passwordStdin ? .stdin : passwordEnv.map { .environment($0) } ?? .prompt }
}

/// The "more settings" form: what is given wins, the rest is discovered.
struct ManualOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Use this IMAP server (port defaults to the standard one).", valueName: "host[:port]"))
    var imap: String?

    @Option(name: .long, help: ArgumentHelp("Use this POP3 server.", valueName: "host[:port]"))
    var pop3: String?

    @Option(name: .long, help: ArgumentHelp("Use this SMTP server.", valueName: "host[:port]"))
    var smtp: String?

    @Option(name: .long, help: ArgumentHelp("Security for the servers given: ssl, starttls or plain.", valueName: "mode"))
    var security: String?

    @Option(name: .long, help: "Login name for every server.")
    var username: String?

    func settings() throws -> ManualSettings {
        do {
            return try ManualSettings.parse(
                imap: imap, pop3: pop3, smtp: smtp, security: security, username: username,
                fieldNames: ["imap": "--imap", "pop3": "--pop3", "smtp": "--smtp", "security": "--security", "username": "--username"])
        } catch {
            throw BadInput(error.description)
        }
    }
}

/// The per-domain lookup cache.
struct CacheOptions: ParsableArguments {
    @Flag(name: .long, help: "Use the lookup cache ($XDG_CACHE_HOME/autoconf): answer from a fresh entry, store new domain-level answers (off by default).")
    var cache = false

    @Flag(name: .long, help: "Do not use the lookup cache (the default; kept for scripts).")
    var noCache = false

    @Flag(name: .long, help: "Ignore cached answers, look up again and cache the new answer.")
    var refresh = false

    func validate() throws {
        if noCache && (refresh || cache) { throw ValidationError("--no-cache excludes --cache and --refresh") }
    }

    /// No disk cache unless asked: a diagnostic tool must show today's answer (a sysadmin who just
    /// fixed their autoconfig would otherwise see yesterday's). --batch shares domain-level
    /// answers in memory either way.
    var policy: CachePolicy { refresh ? .refresh : cache ? .use : .off }
}
