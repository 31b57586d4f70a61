@testable import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// A batch encodes a domain's shared answer once and fills in each address (`LookupJSON.Template`):
/// every filled line must be byte for byte the line JSONEncoder makes for that address.
@Suite struct BatchSharedRenderingTests {
    /// Answers by domain: shared answers with usernames, collaboration and hostile display texts;
    /// per-user ones (a username or a hostname built from the local part); nothing.
    struct VariedPlugin: ProviderPlugin {
        let name = "varied"
        var summary: String { "varied" }
        func lookup(_ query: LookupQuery, context: PluginContext) async throws -> PluginOutcome {
            let domain = query.email.domain
            if domain.hasPrefix("none") { return .notFound("no") }
            let host = domain.hasPrefix("hostuser") ? "%EMAILLOCALPART%.\(domain)" : "mail.\(domain)"
            let username = domain.hasPrefix("peruser") ? "u-%EMAILLOCALPART%" : "%EMAILADDRESS%"
            let first = EmailConfiguration(
                providerID: domain, domains: [domain, "b.\(domain)"], displayName: "Mäil \"for\" %EMAILDOMAIN% / \\ ✉\u{2028}",
                displayShortName: "M</script>",
                incoming: [
                    Server(type: .imap, hostname: host, port: 993, socketType: .ssl, username: username, extras: ["z": "1", "a": "%REALNAME%"]),
                    Server(type: .pop3, hostname: host, port: 995, socketType: .ssl, username: "%EMAILLOCALPART%"),
                ],
                outgoing: [Server(type: .smtp, hostname: host, port: 465, socketType: .ssl, username: "%EMAILADDRESS%")],
                instructions: [Instruction(kind: .documentation, url: "https://help.\(domain)/a?b=c&d=e", texts: ["en": "Tab\there", "de": "Zeile\nzwei"])],
                webmailURL: "https://webmail.\(domain)/",
                collaboration: [CollaborationService(kind: .calendar, type: "caldav", url: "https://dav.\(domain)/", username: "%EMAILADDRESS%")])
            var second = testConfiguration("other.\(domain)", domain: domain)
            second.incoming[0].username = "%EMAILLOCALPART%"
            return .found([
                Candidate(configuration: first, trust: .trusted, provenance: context.provenance(source: "https://autoconfig.\(domain)/mail/config-v1.1.xml", channel: .https)),
                Candidate(configuration: second, trust: .trusted, provenance: context.provenance(source: "varied", channel: .https), subrank: 1),
            ])
        }
    }

    static let localParts = [
        "user0", "Alice.O'Neil", "j+tag", "ünïcödé", "e\u{301}", "\u{301}x", "x/y", "%EMAILDOMAIN%", "%EMAILLOCALPART%", "{a}", "a`b",
        "100%", "acsplice0123456789abcdef", "MAIL", "mail", "a&b=c", "\u{200B}zw", "ℙ𝔸𝕊𝕊",
    ]

    @Test func filledLinesAreTheEncodersOwnByteForByte() async throws {
        let autoconf = Autoconf(options: AutoconfOptions(plugins: ["varied"], readsUserDirectory: false, realName: "Ann \"Q\" Lee"), additionalPlugins: [VariedPlugin()])
        let token = "acsplice00112233445566778899aabbcc"
        for domain in ["plain.test", "peruser.test", "hostuser.test", "none.test"] {
            let result = try await autoconf.lookup(try EmailAddress("first@\(domain)"))
            let generalized = AddressTemplating.independent(result)
            if domain == "plain.test" || domain == "none.test" {
                #expect(generalized != nil, "\(domain) is shared")
            } else {
                #expect(generalized == nil, "\(domain) is per user")
            }
            guard let generalized else { continue }
            let standIn = try EmailAddress("\(token)@\(domain)")
            let template = try #require(LookupJSON.Template(AddressTemplating.rebase(result, generalized: generalized, to: standIn, realName: "Ann \"Q\" Lee"), token: token))
            if domain == "plain.test" { #expect(template.pieces.count > 4, "the address fills several fields") }
            for local in Self.localParts {
                guard let email = try? EmailAddress("\(local)@\(domain)") else { continue }
                let direct = LookupJSON.encode(AddressTemplating.rebase(result, generalized: generalized, to: email, realName: "Ann \"Q\" Lee"), pretty: false)
                #expect(Array(template.filled(localPart: local).utf8) == Array(direct.utf8), "\(local)@\(domain)")
                // As a batch prints it: written into its byte buffer after what is there.
                var written = Array("x\n".utf8)
                template.write(localPart: local, to: &written)
                #expect(written == Array("x\n".utf8) + Array(direct.utf8), "\(local)@\(domain)")
            }
        }
    }

    /// A hostname holding the token would change the computed registrable domain: no template.
    @Test func noTemplateWhenAHostnameHoldsTheToken() throws {
        let token = "acsplice00112233445566778899aabbcc"
        let email = try EmailAddress("\(token)@example.com")
        let configuration = testConfiguration("\(token).example.com", domain: "example.com")
        let candidate = Candidate(configuration: configuration, trust: .trusted, provenance: Provenance(plugin: "x", source: "x", channel: .https))
        let result = LookupResult(email: email, candidates: [candidate], reports: [], elapsedMilliseconds: 1, deadlineReached: false)
        #expect(LookupJSON.Template(result, token: token) == nil)
    }

    @Test func escapingMatchesJSONEncoder() {
        var samples = Self.localParts + ["\"", "\\", "a\"b\\c", "\u{7F}", "\u{80}", "\u{2028}\u{2029}", "\u{1}\u{1F}", "<>&'", "/", "\u{FEFF}", "😀", ""]
        samples += (0x20..<0x7F).map { String(UnicodeScalar(UInt8($0))) }
        for sample in samples {
            let encoded = LookupJSON.encode([sample], pretty: false)
            #expect("[\"" + LookupJSON.escapedStringContent(sample) + "\"]" == encoded, "\(sample.unicodeScalars.map { $0.value })")
        }
    }

    /// The batch itself, with and without shared rendering: the same lines (timing fields aside),
    /// and the shared path really taken for the shareable domain.
    @Test func batchWithSharedRenderingPrintsTheSameLines() async throws {
        struct Line: Sendable {
            var text: String
            var template: LookupJSON.Template?
        }
        let autoconf = Autoconf(options: AutoconfOptions(plugins: ["varied"], readsUserDirectory: false), additionalPlugins: [VariedPlugin()])
        var text = ""
        for domain in ["plain.test", "peruser.test", "none.test"] {
            for local in Self.localParts { text += "\(local)@\(domain)\n" }
            text += "user0@\(domain)\nnot an address\n"
        }
        let lines = BatchLookup.addresses(in: text)
        let render: @Sendable (BatchLookup.Line) -> Line = { line in
            switch line {
            case .result(let result): Line(text: LookupJSON.encode(result, pretty: false))
            case .error(let number, _, let message): Line(text: "error \(number) \(message)")
            }
        }
        let fills = EventLog()
        let shared = BatchLookup.SharedRendering<Line>(
            template: { result, token in LookupJSON.Template(result, token: token).map { Line(text: "", template: $0) } },
            fill: { line, local in
                fills.append(local)
                return Line(text: line.template!.filled(localPart: local))
            })
        let plain = EventLog(), spliced = EventLog()
        await BatchLookup(autoconf: autoconf, jobs: 3).run(lines, render: render, emit: { _, line in plain.append(line.text) })
        await BatchLookup(autoconf: autoconf, jobs: 3).run(lines, render: render, shared: shared, emit: { _, line in spliced.append(line.text) })
        let timing = #/"elapsed(Ms|Milliseconds)":[0-9.e+-]+/#
        #expect(spliced.entries.map { $0.replacing(timing, with: "\"elapsed\":0") } == plain.entries.map { $0.replacing(timing, with: "\"elapsed\":0") })
        #expect(spliced.entries.count == lines.count)
        // plain.test and none.test: every address filled in, the first too (its repeat is the
        // first's own line).
        let valid = Self.localParts.filter { (try? EmailAddress("\($0)@plain.test")) != nil }.count
        #expect(valid >= Self.localParts.count - 2)
        #expect(fills.entries.count == 2 * valid)
    }
}
