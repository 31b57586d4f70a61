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
}
