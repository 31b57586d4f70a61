import ArgumentParser
import AutoconfKit
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

struct Lookup: AsyncParsableCommand {
    // Explicit command names spare argument-parser deriving them from type names at run time
    // (String(describing:) on the type: a runtime conformance scan on every start).
    static let configuration = CommandConfiguration(
        commandName: "lookup",
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
              autoconf lookup alice@example.org --verify            # then log in (asks for the password)
              autoconf lookup alice@example.org --imap mail.example.org:993 --smtp mail.example.org:465
              autoconf lookup alice@example.org --format aerc >> ~/.config/aerc/accounts.conf
              autoconf lookup --batch addresses.txt --jobs 8 > results.jsonl
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, xml, aerc, neomutt, mbsync, himalaya, mobileconfig

        var exporter: ExportFormat? { self == .text || self == .json ? nil : ExportFormat(rawValue: rawValue) }
    }

    @Argument(help: "The email address, e.g. alice@example.org (not with --batch).")
    var email: String?

    @Flag(name: .long, help: "Print JSON (same as --format json).")
    var json = false

    @Option(name: .long, help: "Output format: text, json (versioned schema, see README), xml (config-v1.1, Thunderbird), aerc, neomutt, mbsync (isync + msmtp), himalaya or mobileconfig (Apple).")
    var format: Format = .text

    @Flag(name: .long, help: "Use only sources that need no network (provider files).")
    var offline = false

    @Option(name: .long, help: ArgumentHelp("Sources to use, in rank order, comma-separated (see `autoconf plugins`).", valueName: "a,b,c"))
    var plugins: String?

    @Option(name: .long, help: ArgumentHelp("Give up after this many seconds (default 10; the login test has its own deadline of the same length).", valueName: "seconds"))
    var timeout: Double = 10

    @Option(name: .long, help: ArgumentHelp("Once an answer is in, wait at most this many seconds for better-ranked sources still running (default 1).", valueName: "seconds"))
    var patience: Double = 1

    @Option(name: .long, help: ArgumentHelp("A directory of provider files to use before all others (repeatable).", valueName: "dir"))
    var providers: [String] = []

    @Flag(name: .long, help: "Do not read $XDG_CONFIG_HOME/autoconf/providers/.")
    var noUserProviders = false

    @Option(name: .long, help: ArgumentHelp("Preferred incoming protocol when both are offered: imap or pop3.", valueName: "protocol"))
    var prefer: String = "imap"

    @Flag(name: .long, help: "Never use plain-HTTP sources.")
    var httpsOnly = false

    @Option(name: .long, help: "Your name, for documents that use %REALNAME% and for exported files.")
    var realName: String?

    @Option(name: .customLong("dns-server"), help: ArgumentHelp("A DNS server to ask instead of the system's (IP address, optional :PORT; repeatable).", valueName: "host[:port]"))
    var dnsServers: [String] = []

    @Flag(name: .customLong("trust-resolver-ad"), help: "Believe the DNSSEC AD bit of the --dns-server resolvers (loopback addresses only: run a validating resolver on this machine).")
    var trustResolverAD = false

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

    // The login test.
    @Flag(name: .long, help: "Log in to the chosen servers to prove the settings work (exit 5 when a login fails).")
    var verify = false

    @Flag(name: .long, help: "Read the password from the first line of standard input.")
    var passwordStdin = false

    @Option(name: .long, help: ArgumentHelp("Read the password from this environment variable.", valueName: "name"))
    var passwordEnv: String?

    @Flag(name: .long, help: "Accept a configuration that needs confirming without asking (check its servers first).")
    var yes = false

    @Flag(name: .long, help: "Allow the login test to send the password over an unencrypted connection.")
    var allowPlaintext = false

    // Manual settings.
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

    // Batch and cache.
    @Option(name: .long, help: ArgumentHelp("Look up every address in FILE (one a line; - for standard input); prints one JSON line each, in order.", valueName: "file"))
    var batch: String?

    @Option(name: .long, help: ArgumentHelp("Domains looked up at once with --batch (default 4).", valueName: "n"))
    var jobs: Int = 4

    @Flag(name: .shortAndLong, help: "No progress line on standard error during --batch (it is only drawn when standard error is a terminal).")
    var quiet = false

    @Flag(name: .long, help: "Use the lookup cache ($XDG_CACHE_HOME/autoconf): answer from a fresh entry, store new domain-level answers (off by default).")
    var cache = false

    @Flag(name: .long, help: "Do not use the lookup cache (the default; kept for scripts).")
    var noCache = false

    @Flag(name: .long, help: "Ignore cached answers, look up again and cache the new answer.")
    var refresh = false

    @Flag(name: .shortAndLong, help: "Print what every source did to standard error.")
    var verbose = false

    func validate() throws {
        guard timeout > 0, timeout <= 600 else { throw ValidationError("--timeout must be between 0 and 600 seconds") }
        guard ["imap", "pop3"].contains(prefer.lowercased()) else { throw ValidationError("--prefer must be imap or pop3") }
        for directory in providers {
            guard isDirectory(directory) else {
                throw ValidationError("--providers \(directory): not a directory")
            }
        }
        guard patience >= 0, patience <= 600 else { throw ValidationError("--patience must be between 0 and 600 seconds") }
        guard httpTimeout > 0, httpTimeout <= 600 else { throw ValidationError("--http-timeout must be between 0 and 600 seconds") }
        if (email == nil) == (batch == nil) { throw ValidationError(batch == nil ? "give an email address (or --batch FILE)" : "give either an address or --batch, not both") }
        if batch != nil {
            if verify { throw ValidationError("--verify cannot be used with --batch") }
            if format != .json && format != .text { throw ValidationError("--batch always prints JSON lines; --format cannot be used with it") }
        }
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 64") }
        if noCache && (refresh || cache) { throw ValidationError("--no-cache excludes --cache and --refresh") }
        if passwordStdin && passwordEnv != nil { throw ValidationError("--password-stdin and --password-env exclude each other") }
        if !verify && (passwordStdin || passwordEnv != nil || allowPlaintext) {
            throw ValidationError("--password-stdin, --password-env and --allow-plaintext only apply with --verify")
        }
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

    func options() throws -> AutoconfOptions {
        var options = AutoconfOptions()
        options.timeout = .milliseconds(Int64(timeout * 1000))
        options.patience = .milliseconds(Int64(patience * 1000))
        options.offline = offline
        options.plugins = plugins.map { $0.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty } }
        options.providerDirectories = providers
        options.readsUserDirectory = !noUserProviders
        options.preferredIncoming = ServerType(rawValue: prefer)
        options.httpsOnly = httpsOnly
        options.realName = realName
        options.dnsServers = dnsServers
        options.trustResolverAD = trustResolverAD
        options = httpOptions(options)
        // One line, exit 2 (a ValidationError would add the usage text).
        if let problem = options.problem() { throw BadInput(problem) }
        // No disk cache unless asked: a diagnostic tool must show today's answer (a sysadmin who
        // just fixed their autoconfig would otherwise see yesterday's). --batch shares
        // domain-level answers in memory either way.
        options.cache = refresh ? .refresh : cache ? .use : .off
        do {
            options.manual = try ManualSettings.parse(
                imap: imap, pop3: pop3, smtp: smtp, security: security, username: username,
                fieldNames: ["imap": "--imap", "pop3": "--pop3", "smtp": "--smtp", "security": "--security", "username": "--username"])
        } catch {
            throw BadInput(error.description)
        }
        return options
    }

    func run() async throws {
        let autoconf = Autoconf(options: try options())
        if let batch { return try await runBatch(batch, autoconf: autoconf) }
        var observer: TraceObserver?
        if verbose {
            observer = { @Sendable event in StandardStreams.writeError(TerminalText.sanitized("\(event)") + "\n") }
        }
        let result = try await autoconf.lookup(email ?? "", observer: observer)
        let format = json ? .json : format

        var verification: VerificationReport?
        if verify, let best = result.best {
            verification = try await runVerification(best, result: result, autoconf: autoconf)
        }

        switch format {
        case .text:
            print(TextReport.render(result), terminator: "")
            if let verification { print("\n" + VerificationText.render(verification), terminator: "") }
        case .json:
            print(LookupJSON.encode(result, verification: verification))
        default:
            if let best = result.best, let exporter = format.exporter {
                do {
                    print(ExportFormat.joined(try exporter.export(best.configuration, email: result.email, realName: realName)), terminator: "")
                } catch {
                    printError(error.description)
                    throw ExitStatus(code: Exit.badInput)
                }
            }
            if let verification { StandardStreams.writeError(VerificationText.render(verification)) }
        }
        if verbose && format != .json, let best = result.best {
            StandardStreams.writeError("chosen: \(best.provenance.plugin) (\(best.trust)) after \(result.elapsedMilliseconds.fixedPoint(places: 1)) ms\n")
        }
        if let verification {
            if !verification.succeeded { throw ExitStatus(code: Exit.loginFailed) }
            return
        }
        if result.found { return }
        if result.unsupported == nil && format != .text {
            printError(result.nonexistentDomain.map { "no configuration found for \(result.email.address): \($0)" }
                ?? (result.failedOnNetwork ? "no configuration found for \(result.email.address): the network was unreachable (every source failed to connect or resolve)"
                    : "no configuration found for \(result.email.address)"))
        } else if let unsupported = result.unsupported, format != .text && format != .json {
            printError(unsupported.explanation)
        }
        throw ExitStatus(code: result.failedOnNetwork ? Exit.networkFailure : Exit.notFound)
    }

    /// Credentials go only to servers the user accepted: a `confirm` answer needs `--yes` or a yes
    /// on the terminal after seeing every hostname with its registrable domain.
    func runVerification(_ best: Candidate, result: LookupResult, autoconf: Autoconf) async throws -> VerificationReport {
        if best.trust.level == .confirm && !yes {
            let servers = LoginVerifier.servers(of: best.configuration).map { _, server in
                let host = server.hostname ?? server.url ?? "?"
                return "  \(server.type.rawValue) \(host):\(server.port.map(String.init) ?? "-")  (registrable domain \(PublicSuffix.registrableDomain(of: host)))"
            }
            let question = TerminalText.sanitizedLines("These settings need confirming (\(best.trust)). Your password would go to:\n\(servers.joined(separator: "\n"))\nSend it? [y/N] ")
            guard PasswordSource.confirm(question) else {
                printError("the configuration needs confirming (\(best.trust)); check its servers and pass --yes to log in")
                throw ExitStatus(code: Exit.loginFailed)
            }
        }
        let source: PasswordSource = passwordStdin ? .stdin : passwordEnv.map { .environment($0) } ?? .prompt
        let password = try source.read(prompt: "Password for \(result.email.address): ")
        return await autoconf.loginVerifier(allowPlaintext: allowPlaintext).verify(
            best.configuration, email: result.email, password: password, username: autoconf.options.manual.username)
    }

    func runBatch(_ path: String, autoconf: Autoconf) async throws {
        let text: String
        if path == "-" {
            text = String(decoding: StandardStreams.readInputToEnd(), as: UTF8.self)
        } else {
            guard let bytes = FileReading.contents(atPath: path, limit: Lookup.maximumBatchFileSize) else {
                throw BadInput("--batch \(path): cannot read the file (a regular file of at most 64 MiB)")
            }
            text = String(decoding: bytes, as: UTF8.self)
        }
        let lines = BatchLookup.addresses(in: text)
        let meter = !quiet && isatty(STDERR_FILENO) == 1 ? BatchProgress(total: lines.count) : nil
        let allFound = LockedFlag(true)
        let output = BatchOutput()
        // Encoding runs in the lookups' own tasks (every core); printing stays in input order.
        let render: @Sendable (BatchLookup.Line) -> BatchRendered = { line in
            switch line {
            case .result(let result): return BatchRendered(text: LookupJSON.encode(result, pretty: false), found: result.found)
            case .error(let number, let input, let message):
                return BatchRendered(text: LookupJSON.encode(BatchError(line: number, input: input, error: message), pretty: false), found: false)
            }
        }
        let emit: @Sendable (Int, BatchRendered) -> Void = { _, line in
            if !line.found {
                allFound.set(false)
                meter?.countError()
            }
            output.append(line.text)
            meter?.lineDone()
        }
        await BatchLookup(autoconf: autoconf, jobs: jobs).run(lines, render: render, emit: emit, flushed: { output.flush() })
        output.flush()
        meter?.finish()
        if !allFound.value { throw ExitStatus(code: Exit.notFound) }
    }
}

extension Lookup {
    static let maximumBatchFileSize = 64 << 20
}

/// One batch line as printed, and whether it found a configuration.
struct BatchRendered: Sendable {
    var text: String
    var found: Bool
}

/// The JSON line for a batch line that is not an address.
struct BatchError: Encodable {
    var schemaVersion = LookupJSON.schemaVersion
    var line: Int
    var input: String
    var found = false
    var error: String
}

final class LockedFlag: Sendable {
    private let stored: Mutex<Bool>
    init(_ value: Bool) { stored = Mutex(value) }
    var value: Bool { stored.withLock { $0 } }
    func set(_ value: Bool) { stored.withLock { $0 = value } }
}
