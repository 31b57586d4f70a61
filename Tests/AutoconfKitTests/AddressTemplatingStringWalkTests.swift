@testable import AutoconfKit
import AutoconfTestSupport
import Testing

/// The address-independence check reads every string of a candidate through an explicit walk;
/// a string it missed could carry one user's local part into another user's answer.
@Suite struct AddressTemplatingStringWalkTests {
    static let full = Candidate(
        configuration: EmailConfiguration(
            providerID: "id", domains: ["d1", "d2"], displayName: "name", displayShortName: "short",
            incoming: [
                Server(type: .imap, hostname: "in-host", port: 993, url: "in-url", socketType: .ssl,
                       authentication: [Authentication(.passwordCleartext, system: "in-system"), Authentication(.unknown("in-method"))],
                       username: "in-user", extras: ["in-key": "in-value", "k2": "v2"]),
                Server(type: .unknown("in-type")),
            ],
            outgoing: [Server(type: .smtp, hostname: "out-host", username: "out-user", extras: ["out-key": "out-value"])],
            oauth2: OAuth2Settings(issuer: "issuer", scope: "scope", authURL: "auth-url", tokenURL: "token-url", clientID: "client"),
            instructions: [Instruction(kind: .documentation, url: "doc-url", texts: ["en": "english", "de": "deutsch"]), Instruction(kind: .enable)],
            webmailURL: "webmail",
            collaboration: [CollaborationService(kind: .calendar, type: "caldav", url: "dav-url", username: "dav-user",
                                                 authentication: [Authentication(.unknown("dav-method"), system: "dav-system")])]),
        trust: Trust(level: .confirm, reasons: [.crossDomain, .plainHTTP]),
        provenance: Provenance(plugin: "plugin", source: "source", channel: .https, redirects: ["r1", "r2"], registrableDomains: ["reg"],
                               tlsVerified: true, dnssecAuthenticated: false, askedWithAddress: false, elapsedMilliseconds: 1.5),
        subrank: 2)

    static let empty = Candidate(configuration: EmailConfiguration(), trust: .trusted, provenance: Provenance(plugin: "", source: "", channel: .bundled))

    static func walked(_ candidate: Candidate) -> [String] {
        var texts: [String] = []
        AddressTemplating.collectStrings(of: candidate, into: &texts)
        return texts.sorted()
    }

    /// Every string stored anywhere in `value` (structs, arrays, optionals, enum payloads).
    static func reflected(_ value: Any) -> [String] {
        func walk(_ value: Any, into texts: inout [String]) {
            if let text = value as? String { return texts.append(text) }
            for child in Mirror(reflecting: value).children { walk(child.value, into: &texts) }
        }
        var texts: [String] = []
        walk(value, into: &texts)
        return texts.sorted()
    }

    @Test(arguments: [full, empty, Candidate(configuration: testConfiguration("x.example"), trust: .trusted, provenance: Provenance(plugin: "t", source: "s", channel: .dns))])
    func theWalkFindsWhatReflectionFinds(candidate: Candidate) {
        #expect(Self.walked(candidate) == Self.reflected(candidate))
    }

    @Test func theUnsupportedWalkFindsWhatReflectionFinds() {
        for unsupported in [UnsupportedProvider(providerID: "id", displayName: "name", explanation: "why", url: "url", plugin: "p", source: "s"),
                            UnsupportedProvider(providerID: nil, displayName: nil, explanation: "", url: nil, plugin: "", source: "")] {
            var texts: [String] = []
            AddressTemplating.collectStrings(of: unsupported, into: &texts)
            #expect(texts.sorted() == Self.reflected(unsupported))
        }
    }

    /// Every type the walk reads, with its stored properties: a new one fails here until the walk
    /// reads it (and the fully set candidate above sets it).
    @Test func everyStoredPropertyIsOneTheWalkKnows() {
        func labels(_ value: Any) -> [String] { Mirror(reflecting: value).children.map { $0.label ?? "?" } }
        let configuration = Self.full.configuration
        #expect(labels(Self.full) == ["configuration", "trust", "provenance", "subrank"])
        #expect(labels(configuration) == ["providerID", "domains", "displayName", "displayShortName", "incoming", "outgoing", "oauth2", "instructions", "webmailURL", "collaboration"])
        #expect(labels(configuration.incoming[0]) == ["type", "hostname", "port", "url", "socketType", "authentication", "username", "extras"])
        #expect(labels(configuration.incoming[0].authentication[0]) == ["method", "system"])
        #expect(labels(configuration.oauth2!) == ["issuer", "scope", "authURL", "tokenURL", "clientID"])
        #expect(labels(configuration.instructions[0]) == ["kind", "url", "texts"])
        #expect(labels(configuration.collaboration[0]) == ["kind", "type", "url", "username", "authentication"])
        #expect(labels(Self.full.trust) == ["level", "reasons"])
        #expect(labels(Self.full.provenance) == ["plugin", "source", "channel", "redirects", "registrableDomains", "tlsVerified", "dnssecAuthenticated", "askedWithAddress", "elapsedMilliseconds"])
        #expect(labels(UnsupportedProvider(providerID: nil, displayName: nil, explanation: "", url: nil, plugin: "", source: "")) == ["providerID", "displayName", "explanation", "url", "plugin", "source"])
        // Enums whose cases carry strings: only `unknown` does (the walk reads its payload).
        #expect(Self.reflected(ServerType.imap).isEmpty && Self.reflected(AuthenticationMethod.oauth2).isEmpty)
        #expect(Self.reflected(Trust(level: .confirm, reasons: Trust.Reason.allCases)).isEmpty)
        #expect(Self.reflected(SocketType.allCases).isEmpty && Self.reflected(Provenance.Channel.https).isEmpty)
        #expect(Self.reflected(Instruction.Kind.appPassword).isEmpty && Self.reflected(CollaborationService.Kind.fileShare).isEmpty)
    }

    /// The batch's token check reads every string of a whole result: what reflection finds in a
    /// result with every field set, and the stored properties of each type it walks, pinned.
    @Test func theResultWalkFindsWhatReflectionFinds() throws {
        var result = LookupResult(
            email: try EmailAddress("user@müller.de"), candidates: [Self.full, Self.empty],
            unsupported: UnsupportedProvider(providerID: "u-id", displayName: "u-name", explanation: "u-why", url: "u-url", plugin: "u-p", source: "u-s"),
            reports: [
                PluginReport(plugin: "r1", rank: 0, status: .failed, candidates: 0, failure: PluginFailure(.network, "r1-failure"), elapsedMilliseconds: 1, networkUse: .dnsRecords),
                PluginReport(plugin: "r2", rank: 1, status: .found, candidates: 2, failure: nil, elapsedMilliseconds: 2),
            ],
            elapsedMilliseconds: 3, deadlineReached: true)
        result.nonexistentDomain = "nx"
        result.patienceNote = "patience"
        var texts: [String] = []
        AddressTemplating.collectStrings(of: result, into: &texts)
        #expect(texts.sorted() == Self.reflected(result))
        func labels(_ value: Any) -> [String] { Mirror(reflecting: value).children.map { $0.label ?? "?" } }
        #expect(labels(result) == ["email", "candidates", "unsupported", "reports", "elapsedMilliseconds", "deadlineReached", "nonexistentDomain", "patienceNote"])
        #expect(labels(result.email) == ["localPart", "domain", "unicodeDomain"])
        #expect(labels(result.reports[0]) == ["plugin", "rank", "status", "candidates", "failure", "elapsedMilliseconds", "networkUse"])
        #expect(labels(result.reports[0].failure!) == ["kind", "message"])
        #expect(Self.reflected(PluginReport.Status.timedOut).isEmpty && Self.reflected(NetworkUse.hostsByName).isEmpty)
        #expect(Self.reflected(PluginFailure.Kind.dnssecBogus).isEmpty)

        // The walk's strings searched by bytes: a token anywhere is found, inside a Character too.
        let token = "acsplice0123456789"
        #expect(!AddressTemplating.mentions(token, in: result))
        var marked = [result, result, result, result]
        marked[0].reports[0].failure?.message = "x\u{301}" + token
        marked[1].patienceNote = token
        marked[2].candidates[0].configuration.instructions[0].texts["en"] = "\u{301}\(token)\u{301}"
        marked[3].candidates[1].provenance.redirects = ["https://a/" + token]
        for result in marked { #expect(AddressTemplating.mentions(token, in: result)) }
    }
}
