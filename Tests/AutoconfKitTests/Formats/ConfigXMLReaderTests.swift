import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

@Suite struct ConfigXMLReaderTests {
    static let reader = ConfigXMLReader()

    static func document(_ provider: String, oauth: String = "") -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <clientConfig version="1.1">
          <emailProvider id="example.com">
            <domain>example.com</domain>
            <displayName>Example</displayName>
        \(provider)
          </emailProvider>
        \(oauth)
        </clientConfig>
        """
    }

    static let imap = """
        <incomingServer type="imap"><hostname>imap.example.com</hostname><port>993</port><socketType>SSL</socketType>
        <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
        """
    static let smtp = """
        <outgoingServer type="smtp"><hostname>smtp.example.com</hostname><port>465</port><socketType>SSL</socketType>
        <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
        """

    @Test func everyISPDBFileParsesIntoAUsableConfiguration() throws {
        guard let ispdb = TestPaths.ispdb else {
            print("skipping: ../shared/ispdb is absent (set AUTOCONF_ISPDB to a copy of the Thunderbird ISPDB)")
            return
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: ispdb.path).filter { $0.hasSuffix(".xml") }
        #expect(files.count > 100)
        for name in files {
            let data = try Data(contentsOf: ispdb.appendingPathComponent(name))
            let document = try Self.reader.read(Array(data), source: name)
            #expect(document.configuration.isUsable, "\(name)")
            #expect(!document.configuration.incoming.isEmpty, "\(name)")
            #expect(!document.configuration.domains.isEmpty, "\(name)")
        }
    }

    @Test func readsEveryField() throws {
        let xml = Self.document(
            """
            <displayShortName>Ex</displayShortName>
            <incomingServer type="imap"><hostname>IMAP.Example.com</hostname><port>993</port><socketType>SSL</socketType>
              <username>%EMAILLOCALPART%</username><authentication>OAuth2</authentication>
              <authentication system="SCRAM-SHA-256">password-encrypted</authentication><authentication>plain</authentication></incomingServer>
            <incomingServer type="pop3"><hostname>pop.example.com</hostname><port>995</port><socketType>SSL</socketType>
              <authentication>secure</authentication><pop3><leaveMessagesOnServer>true</leaveMessagesOnServer></pop3></incomingServer>
            <incomingServer type="jmap"><url>https://jmap.example.com/.well-known/jmap</url></incomingServer>
            \(Self.smtp)
            <documentation url="https://help.example.com/"><descr lang="en">Help</descr><descr lang="de">Hilfe</descr></documentation>
            <enable visiturl="https://example.com/settings"><instruction>Enable IMAP first</instruction></enable>
            <appPassword visiturl="https://example.com/apppw"><instruction>Use an app password</instruction></appPassword>
            <webMail><loginPage url="https://webmail.example.com/"/></webMail>
            """,
            oauth: """
              <addressBook type="carddav"><username>%EMAILADDRESS%</username><authentication>http-basic</authentication><serverURL>https://dav.example.com/</serverURL></addressBook>
              <oAuth2><issuer>auth.example.com</issuer><scope>mail</scope><authURL>https://auth.example.com/a</authURL><tokenURL>https://auth.example.com/t</tokenURL><clientID>abc</clientID></oAuth2>
              """)
        let configuration = try Self.reader.read(xml, source: "t.xml").configuration
        #expect(configuration.providerID == "example.com")
        #expect(configuration.displayShortName == "Ex")
        #expect(configuration.incoming.map(\.type) == [.imap, .pop3, .jmap])
        let imap = configuration.incoming[0]
        #expect(imap.hostname == "imap.example.com")
        #expect(imap.username == "%EMAILLOCALPART%")
        #expect(imap.authentication == [Authentication(.oauth2), Authentication(.passwordEncrypted, system: "SCRAM-SHA-256"), Authentication(.passwordCleartext)])
        #expect(configuration.incoming[1].authenticationMethods == [.passwordEncrypted])
        #expect(configuration.incoming[1].username == nil)
        #expect(configuration.incoming[1].extras["pop3.leaveMessagesOnServer"] == "true")
        #expect(configuration.incoming[2].url == "https://jmap.example.com/.well-known/jmap")
        #expect(configuration.oauth2 == OAuth2Settings(issuer: "auth.example.com", scope: "mail", authURL: "https://auth.example.com/a", tokenURL: "https://auth.example.com/t", clientID: "abc"))
        #expect(configuration.instructions.map(\.kind) == [.documentation, .enable, .appPassword])
        #expect(configuration.instructions[0].texts == ["en": "Help", "de": "Hilfe"])
        #expect(configuration.webmailURL == "https://webmail.example.com/")
        #expect(configuration.collaboration.first?.kind == .addressBook)
        #expect(configuration.collaboration.first?.url == "https://dav.example.com/")
    }

    @Test func skipsInvalidServersAndKeepsGoing() throws {
        let xml = Self.document(
            """
            <incomingServer type="imap"><hostname>bad host;rm -rf</hostname><port>993</port><socketType>SSL</socketType></incomingServer>
            <incomingServer type="imap"><hostname>imap.example.com</hostname><port>99999</port><socketType>SSL</socketType></incomingServer>
            <incomingServer type="imap"><hostname>imap.example.com</hostname><port>993</port><socketType>QUANTUM</socketType></incomingServer>
            <incomingServer type="carrierpigeon"><hostname>imap.example.com</hostname><port>993</port><socketType>SSL</socketType></incomingServer>
            <incomingServer type="imap"><hostname>imap2.example.com</hostname><port>993</port><socketType>SSL</socketType>
              <authentication>telepathy</authentication><authentication>password-cleartext</authentication></incomingServer>
            \(Self.smtp)
            """)
        let document = try Self.reader.read(xml, source: "t.xml")
        #expect(document.configuration.incoming.map(\.hostname) == ["imap.example.com", "imap2.example.com"])
        #expect(document.configuration.incoming[0].type == .unknown("carrierpigeon"))  // kept, never used
        #expect(document.configuration.incoming[1].authenticationMethods == [.passwordCleartext])
        #expect(document.warnings.count == 3)
        #expect(document.warnings[0].hasPrefix("t.xml:"))
        #expect(document.warnings[0].contains("invalid hostname"))
        #expect(document.warnings[1].contains("port '99999'"))
        #expect(document.warnings[2].contains("socketType"))
    }

    @Test func rejectsDocumentsWithNothingUsable() {
        #expect { try Self.reader.read(Self.document(Self.smtp), source: "f.xml") } throws: { error in
            (error as? XMLParseError)?.description.hasPrefix("f.xml:3: no usable incoming server") == true
        }
        #expect { try Self.reader.read(Self.document(Self.imap), source: "f.xml") } throws: { error in
            (error as? XMLParseError)?.message.contains("no usable outgoing server") == true
        }
        // A protocol we do not know never makes a document usable.
        let unknownOnly = Self.document(#"<incomingServer type="carrierpigeon"><hostname>c.example.com</hostname><port>1</port><socketType>SSL</socketType></incomingServer>"# + Self.smtp)
        #expect(throws: XMLParseError.self) { try Self.reader.read(unknownOnly, source: "f.xml") }
        // JMAP submits mail itself: no SMTP needed.
        let jmap = Self.document(#"<incomingServer type="jmap"><url>https://api.example.com/jmap/session</url></incomingServer>"#)
        #expect(throws: Never.self) { try Self.reader.read(jmap, source: "f.xml") }
    }

    @Test func reportsFileAndLineOfMalformedXML() {
        let xml = "<clientConfig>\n<emailProvider>\n<domain>x</emailProvider>\n</clientConfig>"
        #expect { try Self.reader.read(xml, source: "broken.xml") } throws: { error in
            let error = error as! XMLParseError
            return error.line == 3 && error.description.hasPrefix("broken.xml:3: ")
        }
    }

    @Test func undefinedUsernameStaysAbsent() throws {
        let xml = Self.document(Self.imap.replacingOccurrences(of: "%EMAILADDRESS%", with: "undefined") + Self.smtp)
        #expect(try Self.reader.read(xml, source: "t").configuration.incoming[0].username == nil)
    }
}

@Suite struct ConfigXMLWriterTests {
    @Test func roundTripsEveryISPDBAndBundledFile() throws {
        var sources: [(String, String)] = BundledProviders.files.map { ($0.name, $0.contents) }
        if let ispdb = TestPaths.ispdb {
            for name in try FileManager.default.contentsOfDirectory(atPath: ispdb.path) where name.hasSuffix(".xml") {
                sources.append((name, try String(contentsOf: ispdb.appendingPathComponent(name), encoding: .utf8)))
            }
        } else {
            print("skipping the ISPDB part: ../shared/ispdb is absent")
        }
        let reader = ConfigXMLReader()
        for (name, text) in sources {
            let original = try reader.read(text, source: name).configuration
            let written = ConfigXMLWriter.document(for: original)
            let reread = try reader.read(written, source: "written \(name)").configuration
            #expect(reread == original, "\(name)")
        }
    }

    @Test func escapesHostileValues() throws {
        var configuration = EmailConfiguration(providerID: "x\"><evil/>", domains: ["example.com"], displayName: "A & B <c> \u{1}\u{7F}")
        configuration.incoming = [Server(type: .imap, hostname: "imap.example.com", port: 993, socketType: .ssl, username: "a</username><x>")]
        configuration.outgoing = [Server(type: .smtp, hostname: "smtp.example.com", port: 465, socketType: .ssl)]
        let xml = ConfigXMLWriter.document(for: configuration)
        #expect(!xml.contains("<evil/>"))
        let reread = try ConfigXMLReader().read(xml, source: "w").configuration
        #expect(reread.providerID == "x\"><evil/>")
        // U+007F is legal XML 1.0 and kept (write → read is the identity); U+0001 is not.
        #expect(reread.displayName == "A & B <c> \u{7F}")
        #expect(reread.incoming[0].username == "a</username><x>")
    }
}
