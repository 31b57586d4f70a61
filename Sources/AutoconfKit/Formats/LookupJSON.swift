#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The stable, versioned JSON of a lookup (`autoconf lookup --json`), documented in the README.
/// Keys are only ever added within a schema version; a removal or change of meaning bumps it.
public enum LookupJSON {
    /// The `schemaVersion` of every document; raised only when a key is removed or changes meaning.
    public static let schemaVersion = 1

    /// The document's fields, in the README's schema; encode it with `encode(_:pretty:)`.
    public struct Document: Encodable {
        var schemaVersion = LookupJSON.schemaVersion
        var email: String
        var found: Bool
        /// The chosen servers: what a front end configures (the reference shape of the sim).
        var incoming: ServerJSON?
        var outgoing: ServerJSON?
        var trust: Trust?
        var provenance: ProvenanceJSON?
        var configuration: ConfigurationJSON?
        var alternatives: [CandidateJSON]
        var unsupported: UnsupportedProvider?
        var error: String?
        /// Set when the email domain does not exist (DNS NXDOMAIN): the reason.
        var nonexistentDomain: String?
        var plugins: [PluginReport]
        var elapsedMs: Double
        var deadlineReached: Bool
        /// Set when better-ranked sources were given up on because the patience ran out.
        var patienceNote: String?
        /// The login test (`--verify`), when one was run.
        var verification: VerificationJSON?
    }

    /// The login test as JSON: the report plus one overall verdict.
    struct VerificationJSON: Encodable {
        var succeeded: Bool
        var needsOAuth: Bool
        var servers: [ServerCheck]
    }

    struct ServerJSON: Encodable {
        /// One of `knownTypes`; a protocol this version does not know is `"unknown"` (the
        /// document's own name for it is never echoed).
        var type: String
        var host: String?
        var port: Int?
        var url: String?
        var socket: String?
        var username: String?
        @DirectStrings var authentication: [String]
        /// The same methods with their `system` attribute (e.g. `"kerberos"` for GSSAPI), in order.
        var authenticationDetails: [AuthenticationJSON]
        var registrableDomain: String?
        /// Exchange (`type` `"ews"`): Outlook Web Access, EWS and ActiveSync endpoints, when given.
        var owaURL: String?
        var ewsURL: String?
        var easURL: String?

        /// An authentication method this version does not know is `"unknown"`, like `type`.
        static func methodName(_ method: AuthenticationMethod) -> String {
            if case .unknown = method { return "unknown" }
            return method.rawValue
        }

        static let knownTypes: Set<String> = ["imap", "pop3", "jmap", "ews", "activesync", "graph", "smtp"]

        init(_ server: Server) {
            type = server.type.isKnown ? server.type.rawValue : "unknown"
            authenticationDetails = server.authentication.map { AuthenticationJSON(method: Self.methodName($0.method), system: $0.system) }
            if server.type == .ews {
                owaURL = server.extras["owaURL"]
                ewsURL = server.url
                easURL = server.extras["easURL"]
            }
            host = server.hostname
            port = server.port
            url = server.url
            socket = server.socketType?.rawValue
            username = server.username
            authentication = server.authentication.map { Self.methodName($0.method) }
            registrableDomain = (server.hostname ?? server.url.flatMap(URLHost.reportHost)).map(PublicSuffix.registrableDomain(of:))
        }
    }

    struct AuthenticationJSON: Encodable {
        var method: String
        var system: String?
    }

    struct ConfigurationJSON: Encodable {
        var providerID: String?
        var displayName: String?
        var displayShortName: String?
        @DirectStrings var domains: [String]
        var incoming: [ServerJSON]
        var outgoing: [ServerJSON]
        var oauth2: OAuth2Settings?
        var instructions: [InstructionJSON]
        var webmail: String?
        var addressBooks: [CollaborationService]
        var calendars: [CollaborationService]

        init(_ configuration: EmailConfiguration) {
            providerID = configuration.providerID
            displayName = configuration.displayName
            displayShortName = configuration.displayShortName
            domains = configuration.domains
            incoming = configuration.incoming.map(ServerJSON.init)
            outgoing = configuration.outgoing.map(ServerJSON.init)
            oauth2 = configuration.oauth2
            instructions = configuration.instructions.map(InstructionJSON.init)
            webmail = configuration.webmailURL
            addressBooks = configuration.collaboration.filter { $0.kind == .addressBook }
            calendars = configuration.collaboration.filter { $0.kind == .calendar }
        }
    }

    struct InstructionJSON: Encodable {
        var kind: String
        var url: String?
        var text: String?
        init(_ instruction: Instruction) {
            kind = instruction.kind.rawValue
            url = instruction.url
            text = instruction.text
        }
    }

    struct ProvenanceJSON: Encodable {
        var plugin: String
        var source: String
        var channel: String
        @DirectStrings var redirects: [String]
        @DirectStrings var registrableDomains: [String]
        var tlsVerified: Bool?
        var dnssecAuthenticated: Bool?
        var elapsedMs: Double
        init(_ provenance: Provenance) {
            plugin = provenance.plugin
            source = provenance.source
            channel = provenance.channel.rawValue
            redirects = provenance.redirects
            registrableDomains = provenance.registrableDomains
            tlsVerified = provenance.tlsVerified
            dnssecAuthenticated = provenance.dnssecAuthenticated
            elapsedMs = (provenance.elapsedMilliseconds * 1000).rounded() / 1000
        }
    }

    struct CandidateJSON: Encodable {
        var trust: Trust
        var provenance: ProvenanceJSON
        var configuration: ConfigurationJSON
    }

    /// A list of strings encoded through the container's `String` overload. An `[String]` field
    /// goes through JSONEncoder's generic path element by element (a type check against its
    /// special types and a nested encoder for each string): the providers' domain lists made that
    /// a fifth of a batch's encoding. The same JSON either way.
    @propertyWrapper struct DirectStrings: Encodable {
        var wrappedValue: [String]

        init(wrappedValue: [String]) { self.wrappedValue = wrappedValue }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.unkeyedContainer()
            for text in wrappedValue { try container.encode(text) }
        }
    }

    /// The document for `result`: the best answer's servers first, then every alternative and report.
    public static func document(for result: LookupResult) -> Document {
        let best = result.best
        return Document(
            email: result.email.address, found: result.found,
            incoming: best?.configuration.incoming.first.map(ServerJSON.init),
            outgoing: best?.configuration.outgoing.first.map(ServerJSON.init),
            trust: best?.trust, provenance: best.map { ProvenanceJSON($0.provenance) },
            configuration: best.map { ConfigurationJSON($0.configuration) },
            alternatives: result.candidates.dropFirst().map {
                CandidateJSON(trust: $0.trust, provenance: ProvenanceJSON($0.provenance), configuration: ConfigurationJSON($0.configuration))
            },
            unsupported: result.unsupported,
            error: result.found ? nil : (result.unsupported?.explanation ?? (result.failedOnNetwork && !result.dnssecBogus ? "network failure" : result.notFoundMessage)),
            nonexistentDomain: result.nonexistentDomain, plugins: result.reports, elapsedMs: (result.elapsedMilliseconds * 1000).rounded() / 1000,
            deadlineReached: result.deadlineReached, patienceNote: result.patienceNote)
    }

    /// The JSON of `result`, as `autoconf lookup --json` prints it (`pretty`: indented; else one line, as `--batch` prints).
    public static func encode(_ result: LookupResult, pretty: Bool = true) -> String {
        encode(document(for: result), pretty: pretty)
    }

    /// The lookup with its login test under `verification`.
    public static func encode(_ result: LookupResult, verification: VerificationReport?, pretty: Bool = true) -> String {
        var document = document(for: result)
        document.verification = verification.map { VerificationJSON(succeeded: $0.succeeded, needsOAuth: $0.needsOAuth, servers: $0.servers) }
        return encode(document, pretty: pretty)
    }

    /// A result's one-line JSON with its address's local part cut out, filled in per address:
    /// a batch encodes a domain's shared answer once instead of once per address. Made from a
    /// result for the stand-in address `token@domain`; `token` must not occur in the data itself.
    /// Every other field is copied into the JSON verbatim, so the filled line is byte for byte
    /// what `encode(result, pretty: false)` makes for the real address — except where the encoder
    /// computes from a field (a server's registrable domain from its host or URL), so a result
    /// whose hostnames or URLs contain the token gives no template.
    package struct Template: Sendable {
        /// The JSON between the occurrences of the token.
        let pieces: [String]

        /// A stand-in local part: letters and digits only, random per call, so no remote document
        /// can contain it, and with no proper prefix that is also a suffix, so no text next to it
        /// can fake a match.
        package static func randomToken() -> String {
            "acsplice" + (0..<2).map { _ in
                let hex = String(UInt64.random(in: 0...UInt64.max), radix: 16)
                return String(repeating: "0", count: 16 - hex.count) + hex
            }.joined()
        }

        package init?(_ result: LookupResult, token: String) {
            let servers = result.candidates.flatMap { $0.configuration.incoming + $0.configuration.outgoing }
            if servers.contains(where: { ($0.hostname ?? "").utf8ContainsBytes(of: token) || ($0.url ?? "").utf8ContainsBytes(of: token) }) {
                return nil
            }
            pieces = LookupJSON.encode(result, pretty: false).utf8Split(separator: token)
        }

        /// The bytes of the pieces (what the template holds in memory, roughly).
        package var byteCount: Int { pieces.reduce(0) { $0 + $1.utf8.count } }

        /// The line for the address whose local part is `localPart`.
        /// Its storage reserved to the exact size: `joined(separator:)` grows it by doubling and
        /// keeps the slack.
        package func filled(localPart: String) -> String {
            let separator = LookupJSON.escapedStringContent(localPart)
            var line = ""
            line.reserveCapacity(pieces.reduce(0) { $0 + $1.utf8.count } + separator.utf8.count * max(0, pieces.count - 1))
            write(separator: separator, to: &line)
            return line
        }

        /// Appends the line for the address whose local part is `localPart` to `bytes`: a batch
        /// writes each line straight into its output buffer when its turn comes, and holds only
        /// the template and the local part until then.
        package func write(localPart: String, to bytes: inout [UInt8]) {
            let separator = LookupJSON.escapedStringContent(localPart)
            for (index, piece) in pieces.enumerated() {
                if index > 0 { bytes.append(contentsOf: separator.utf8) }
                bytes.append(contentsOf: piece.utf8)
            }
        }

        private func write(separator: String, to text: inout String) {
            for (index, piece) in pieces.enumerated() {
                if index > 0 { text += separator }
                text += piece
            }
        }
    }

    /// `text` as the encoder writes it between the quotes of a JSON string.
    static func escapedStringContent(_ text: String) -> String {
        // What JSONEncoder leaves alone: printable ASCII but the quote and the backslash (and the
        // slash, with .withoutEscapingSlashes). Anything else is escaped by the encoder itself.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) { return text }
        // Bytes, not Characters: a combining mark at either end would join the quote's Character.
        let array = Array(encode([text], pretty: false).utf8)
        guard array.count >= 4, array.starts(with: Array("[\"".utf8)), array.suffix(2).elementsEqual(Array("\"]".utf8)) else { return text }
        return String(decoding: array[2..<(array.count - 2)], as: UTF8.self)
    }

    /// Any value with the document's encoder settings (sorted keys, unescaped slashes); "{}" if it cannot be encoded.
    public static func encode(_ value: some Encodable, pretty: Bool = true) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
