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

    @Argument(help: "The email address, e.g. alice@example.org (not with --batch).")
    var email: String?

    @Flag(name: .long, help: "Log in to the chosen servers to prove the settings work (exit 5 when a login fails).")
    var verify = false

    @Option(name: .long, help: ArgumentHelp("Look up every address in FILE (one a line; - for standard input); prints one JSON line each, in order.", valueName: "file"))
    var batch: String?

    @Option(name: .long, help: ArgumentHelp("Domains looked up at once with --batch (default 4).", valueName: "n"))
    var jobs: Int = 4

    @Flag(name: .shortAndLong, help: "No progress line on standard error during --batch (it is only drawn when standard error is a terminal).")
    var quiet = false

    @OptionGroup var options: LookupOptions

    func validate() throws {
        if (email == nil) == (batch == nil) { throw ValidationError(batch == nil ? "give an email address (or --batch FILE)" : "give either an address or --batch, not both") }
        if batch != nil {
            if verify { throw ValidationError("--verify cannot be used with --batch") }
            if options.output.format != .json && options.output.format != .text { throw ValidationError("--batch always prints JSON lines; --format cannot be used with it") }
        }
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 64") }
        if !verify && !options.login.isEmpty {
            throw ValidationError("--password-stdin, --password-env and --allow-plaintext only apply with --verify")
        }
    }

    func run() async throws {
        let autoconf = try options.autoconf()
        if let batch { return try await runBatch(batch, autoconf: autoconf) }
        try await Lookup.run(email ?? "", autoconf: autoconf, output: options.output.choice, loginTest: verify ? options.login : nil)
    }

    /// One address: the lookup, then the login test when asked (`loginTest`), then the output and
    /// exit code.
    static func run(_ email: String, autoconf: Autoconf, output: OutputChoice, loginTest login: VerifyOptions?) async throws {
        var observer: TraceObserver?
        if output.verbose {
            observer = { @Sendable event in StandardStreams.writeError(TerminalText.sanitized("\(event)") + "\n") }
        }
        let result = try await autoconf.lookup(email, observer: observer)
        let format = output.format

        var verification: VerificationReport?
        if let login, let best = result.best {
            verification = try await runVerification(best, result: result, autoconf: autoconf, login: login)
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
                    print(ExportFormat.joined(try exporter.export(best.configuration, email: result.email, realName: autoconf.options.realName)), terminator: "")
                } catch {
                    printError(error.description)
                    throw ExitStatus(code: Exit.badInput)
                }
            }
            if let verification { StandardStreams.writeError(VerificationText.render(verification)) }
        }
        if output.verbose && format != .json, let best = result.best {
            StandardStreams.writeError("chosen: \(best.provenance.plugin) (\(best.trust)) after \(result.elapsedMilliseconds.fixedPoint(places: 1)) ms\n")
        }
        if let verification {
            if !verification.succeeded { throw ExitStatus(code: Exit.loginFailed) }
            return
        }
        if result.found { return }
        if result.unsupported == nil && format != .text {
            printError(result.nonexistentDomain.map { "no configuration found for \(result.email.address): \($0)" }
                ?? (result.dnssecBogus ? "no configuration found for \(result.email.address): DNS answers failed DNSSEC validation (bogus)"
                    : result.failedOnNetwork ? "no configuration found for \(result.email.address): the network was unreachable (every source failed to connect or resolve)"
                    : "no configuration found for \(result.email.address)"))
        } else if let unsupported = result.unsupported, format != .text && format != .json {
            printError(unsupported.explanation)
        }
        throw ExitStatus(code: result.failedOnNetwork ? Exit.networkFailure : Exit.notFound)
    }

    /// Credentials go only to servers the user accepted: a `confirm` answer needs `--yes` or a yes
    /// on the terminal after seeing every hostname with its registrable domain.
    static func runVerification(_ best: Candidate, result: LookupResult, autoconf: Autoconf, login: VerifyOptions) async throws -> VerificationReport {
        if best.trust.level == .confirm && !login.yes {
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
        let password = try login.passwordSource.read(prompt: "Password for \(result.email.address): ")
        return await autoconf.loginVerifier(allowPlaintext: login.allowPlaintext).verify(
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
            output.append { line.write(to: &$0) }
            meter?.lineDone()
        }
        // A domain's shared answer is encoded once; each address's line is filled in from it when
        // printed (until then it is held as the template and the local part, not as its text).
        let shared = BatchLookup.SharedRendering<BatchRendered>(
            template: { result, token in
                LookupJSON.Template(result, token: token).map { BatchRendered(text: "", found: result.found, template: $0) }
            },
            fill: { line, localPart in
                guard let template = line.template else { return line }
                return BatchRendered(text: "", found: line.found, template: template, localPart: localPart)
            })
        await BatchLookup(autoconf: autoconf, jobs: jobs).run(lines, render: render, shared: shared, emit: emit, flushed: { output.flush() })
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
    /// Set on a domain's shared answer, from which its addresses' lines are filled in.
    var template: LookupJSON.Template? = nil
    /// With `template`: the line is the template filled with this local part, written when
    /// printed. A batch holds its lines until their turn (with the domains interleaved, nearly
    /// the whole output): the template is shared, so a line costs little more than its local part.
    var localPart: String? = nil

    /// Appends the line as printed.
    func write(to output: inout [UInt8]) {
        if let template, let localPart { template.write(localPart: localPart, to: &output) } else { output.append(contentsOf: text.utf8) }
    }
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
