@testable import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// Issue 9: the JSON and config-v1.1 output carry everything the lookup found, in the shapes
/// clients read, and no unknown vocabulary from a document leaks through verbatim.
@Suite struct OutputCompletenessTests {
    static let exchange = Server(
        type: .ews, url: "https://mail.example.com/EWS/Exchange.asmx", authentication: [Authentication(.passwordCleartext)],
        username: "alice@example.com",
        extras: ["owaURL": "https://mail.example.com/owa/", "easURL": "https://mail.example.com/Microsoft-Server-ActiveSync"])

    func json(_ configuration: EmailConfiguration) throws -> [String: Any] {
        let text = LookupJSON.encode(LookupJSON.ConfigurationJSON(configuration))
        return try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
    }

    @Test func jsonCarriesShortNameAuthSystemAndExchangeEndpoints() throws {
        let configuration = EmailConfiguration(
            domains: ["example.com"], displayName: "Example Mail", displayShortName: "Example",
            incoming: [
                Self.exchange,
                Server(type: .imap, hostname: "imap.example.com", port: 993, socketType: .ssl, authentication: [Authentication(.gssapi, system: "kerberos")]),
            ])
        let document = try json(configuration)
        #expect(document["displayShortName"] as? String == "Example")
        let incoming = document["incoming"] as! [[String: Any]]
        #expect(incoming[0]["type"] as? String == "ews")
        #expect(incoming[0]["ewsURL"] as? String == "https://mail.example.com/EWS/Exchange.asmx")
        #expect(incoming[0]["owaURL"] as? String == "https://mail.example.com/owa/")
        #expect(incoming[0]["easURL"] as? String == "https://mail.example.com/Microsoft-Server-ActiveSync")
        #expect(incoming[0]["registrableDomain"] as? String == "example.com")
        let details = incoming[1]["authenticationDetails"] as! [[String: Any]]
        #expect(details.count == 1)
        #expect(details[0]["method"] as? String == "GSSAPI")
        #expect(details[0]["system"] as? String == "kerberos")
        #expect(incoming[1]["ewsURL"] == nil)
    }

    @Test func unknownTypesAndMethodsAreNotEchoed() throws {
        let hostile = "x\u{1B}[31mevil\nline"
        let configuration = EmailConfiguration(
            domains: ["example.com"],
            incoming: [Server(type: ServerType(rawValue: hostile), hostname: "a.example.com", port: 1, socketType: .ssl, authentication: [Authentication(.unknown(hostile))])])
        let text = LookupJSON.encode(LookupJSON.ConfigurationJSON(configuration))
        #expect(!text.contains("evil"))
        let incoming = try json(configuration)["incoming"] as! [[String: Any]]
        #expect(incoming[0]["type"] as? String == "unknown")
        #expect(incoming[0]["authentication"] as? [String] == ["unknown"])
    }

    @Test func exchangeIsWrittenTheWayThunderbirdReadsIt() throws {
        let xml = ConfigXMLWriter.document(for: EmailConfiguration(domains: ["example.com"], incoming: [Self.exchange]))
        #expect(xml.contains(#"<incomingServer type="exchange">"#))
        #expect(!xml.contains(#"type="ews""#))
        #expect(!xml.contains("<url>"))
        for element in [
            "<hostname>mail.example.com</hostname>", "<port>443</port>", "<username>alice@example.com</username>",
            "<authentication>password-cleartext</authentication>", "<owaURL>https://mail.example.com/owa/</owaURL>",
            "<ewsURL>https://mail.example.com/EWS/Exchange.asmx</ewsURL>",
            "<easURL>https://mail.example.com/Microsoft-Server-ActiveSync</easURL>",
        ] {
            #expect(xml.contains(element), "\(element)")
        }
        let reread = try ConfigXMLReader().read(xml, source: "w").configuration
        #expect(reread.incoming == [Self.exchange])
    }
}
