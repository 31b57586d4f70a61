/// The configuration files autoconf writes for mail clients, besides its own JSON.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// Thunderbird's config-v1.1 XML (what the ISPDB holds).
    case thunderbird = "xml"
    /// aerc's `accounts.conf` section.
    case aerc
    /// A NeoMutt account file (IMAP or POP3 and SMTP URLs).
    case neomutt
    /// isync/mbsync for IMAP plus msmtp for SMTP.
    case mbsync
    /// A himalaya account section (TOML).
    case himalaya
    /// An Apple configuration profile (com.apple.mail.managed), for iOS and macOS Mail.
    case mobileconfig

    /// Files for `email`'s account from the chosen configuration (placeholders already expanded,
    /// as a lookup returns them). Every value is validated for the target format first.
    public func export(_ configuration: EmailConfiguration, email: EmailAddress, realName: String? = nil) throws(ExportError) -> [ExportedFile] {
        let account = ExportAccount(email: email, realName: realName, configuration: configuration)
        if self == .thunderbird || self == .mobileconfig, let problem = LibXML.unavailable {
            throw ExportError(format: rawValue, field: "XML", problem: problem)
        }
        switch self {
        case .thunderbird: return [ExportedFile(suggestedPath: "config-v1.1.xml", contents: ConfigXMLWriter.document(for: configuration))]
        case .aerc: return [try AercExporter.export(account)]
        case .neomutt: return [try NeomuttExporter.export(account)]
        case .mbsync: return try MbsyncExporter.export(account)
        case .himalaya: return [try HimalayaExporter.export(account)]
        case .mobileconfig: return [try MobileconfigExporter.export(account)]
        }
    }

    /// The files as one text: a single file as it is, several each after a `# ==> PATH <==` line.
    public static func joined(_ files: [ExportedFile]) -> String {
        if files.count == 1 { return files[0].contents }
        return files.map { "# ==> \($0.suggestedPath) <==\n\($0.contents)" }.joined(separator: "\n")
    }
}

/// One file an export writes, and where the client looks for it.
public struct ExportedFile: Sendable, Hashable {
    /// Where the client reads it by default, e.g. `~/.config/aerc/accounts.conf`.
    public var suggestedPath: String
    /// The file's text.
    public var contents: String
}

/// Why a configuration cannot be exported: which value, and what is wrong with it. A value from the
/// network that would break out of its place in the file is refused, never written.
public struct ExportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The export format (`aerc`, `mbsync`…).
    public var format: String
    /// The configuration value that was refused, e.g. `incoming hostname`.
    public var field: String
    /// What is wrong with it.
    public var problem: String

    /// One line for the user.
    public var description: String { "cannot write the \(format) configuration: \(field): \(problem)" }
}

/// The account an exporter writes: the address, the user's name and the chosen servers.
struct ExportAccount {
    var email: EmailAddress
    var realName: String?
    var configuration: EmailConfiguration

    func incoming(_ types: [ServerType]) -> Server? { configuration.incoming.first { types.contains($0.type) && $0.hostname != nil } }
    var smtp: Server? { configuration.outgoing.first { $0.type == .smtp && $0.hostname != nil } }
    func username(_ server: Server) -> String { server.username ?? email.address }

    /// A name usable as an identifier in any of the formats (account and store names, paths).
    var safeName: String {
        String(email.address.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._@-+".contains($0)) ? $0 : "_" })
    }
}
