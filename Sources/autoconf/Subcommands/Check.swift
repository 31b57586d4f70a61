import ArgumentParser
import AutoconfCommandOptions
import AutoconfKit
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The domain owner's audit: what each family of mail clients would configure.
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Show what every family of mail clients would configure for a domain, and what to fix.",
        discussion: """
            Asks every source each client family asks (Thunderbird, Thunderbird for Android / K-9, \
            Outlook, Apple Mail, Delta Chat, RFC 6186 clients), the way that family asks, and prints \
            one row per family, then each problem with its fix. Exit 0 when every family gets the same \
            working setup and nothing is wrong, 1 otherwise, 2 for bad input.
            """)

    @Argument(help: "A domain or an email address (the address is sent to the domain's own servers, as clients do).")
    var target: String

    @Option(name: .customLong("client"), help: ArgumentHelp("Only these client families (repeatable): \(ClientFamily.all.map(\.id).joined(separator: ", ")).", valueName: "id"))
    var clients: [String] = []

    @Flag(name: .long, help: "Print JSON.") var json = false

    @Option(name: .long, help: ArgumentHelp("Give up on each family's lookup after this many seconds.", valueName: "seconds"))
    var timeout: Double = 10

    @Option(name: .long, help: ArgumentHelp("Warn about mail server certificates that expire within this many days (default 14; 0: never).", valueName: "days"))
    var expiryWarning: Int = 14

    @OptionGroup(title: "Network") var network: NetworkOptions

    @OptionGroup(title: "Sources") var sources: SourceOptions

    func run() async throws {
        let email: EmailAddress
        do { email = try EmailAddress(target.contains("@") ? target : "postmaster@\(target)") } catch { throw BadInput("invalid domain or address '\(TerminalText.sanitized(target))': \(error)") }
        guard timeout > 0, timeout <= 600 else { throw BadInput("--timeout must be between 0 and 600 seconds") }
        guard (0...3650).contains(expiryWarning) else { throw BadInput("--expiry-warning must be between 0 and 3650 days") }
        let families = clients.isEmpty ? ClientFamily.all : try clients.map { id in
            guard let family = ClientFamily.all.first(where: { $0.id == id }) else {
                throw BadInput("unknown client family '\(TerminalText.sanitized(id))'; known: \(ClientFamily.all.map(\.id).joined(separator: ", "))")
            }
            return family
        }
        var options = AutoconfOptions(timeout: .milliseconds(Int64(timeout * 1000)), readsUserDirectory: false)
        sources.apply(to: &options)
        network.apply(to: &options)
        options.httpTimeout = min(options.httpTimeout, options.timeout)
        if let problem = options.problem() { throw BadInput(problem) }
        let audit = await DomainAudit.run(email, options: options, families: families, expiryWarning: .seconds(expiryWarning * 86400))
        if json {
            print(AuditJSON.encode(audit))
        } else {
            print(TerminalText.sanitizedLines(AuditText.render(audit)), terminator: "")
        }
        if !audit.consistent { throw ExitStatus(code: Exit.notFound) }
    }
}

/// The audit as a table and a list of findings.
enum AuditText {
    static func render(_ audit: DomainAudit) -> String {
        var table = [["CLIENT", "GETS", "TRUST", "FROM"]]
        for row in audit.rows {
            table.append([row.family.name, row.setup?.description ?? "nothing", row.trust?.description ?? "-", row.source ?? row.family.note ?? "-"])
        }
        var lines = ["\(audit.email.domain): what each mail client would configure", ""] + TextReport.table(table) + [""]
        if audit.findings.isEmpty {
            lines.append("every client gets the same setup, and nothing needs fixing")
        }
        for finding in audit.findings {
            lines.append("\(finding.severity.rawValue): \(finding.message)")
            lines.append("  fix: \(finding.fix)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// `check --json`: for monitoring. Versioned like the lookup document.
enum AuditJSON {
    struct Document: Encodable {
        struct Row: Encodable {
            var client: String
            var name: String
            var incoming: String?
            var outgoing: String?
            var trust: String?
            var source: String?
        }
        struct Finding: Encodable {
            var severity: String
            var message: String
            var fix: String
        }
        var schemaVersion = 1
        var domain: String
        var consistent: Bool
        var clients: [Row]
        var findings: [Finding]
    }

    static func encode(_ audit: DomainAudit) -> String {
        LookupJSON.encode(Document(
            domain: audit.email.domain, consistent: audit.consistent,
            clients: audit.rows.map { Document.Row(client: $0.family.id, name: $0.family.name, incoming: $0.setup?.incoming, outgoing: $0.setup?.outgoing, trust: $0.trust?.description, source: $0.source) },
            findings: audit.findings.map { Document.Finding(severity: $0.severity.rawValue, message: $0.message, fix: $0.fix) }))
    }
}
