import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// The publisher answers as a request handler, without sockets: the service's tests send the
/// same requests over HTTP. Every answer is checked by reading it back with the readers lookups use.
@Suite struct PublisherTests {
    static let imapAndSMTP = """
        <clientConfig version="1.1"><emailProvider id="pub.test">
          <domain>pub.test</domain><domain>pub-alias.test</domain>
          <displayName>Pub Mail</displayName>
          <incomingServer type="imap"><hostname>imap.pub.test</hostname><port>993</port><socketType>SSL</socketType>
            <username>%EMAILLOCALPART%</username><authentication>password-cleartext</authentication></incomingServer>
          <incomingServer type="imap"><hostname>imap2.pub.test</hostname><port>143</port><socketType>STARTTLS</socketType>
            <username>%EMAILLOCALPART%</username><authentication>password-encrypted</authentication></incomingServer>
          <outgoingServer type="smtp"><hostname>smtp.pub.test</hostname><port>587</port><socketType>STARTTLS</socketType>
            <username>%EMAILLOCALPART%</username><authentication>password-cleartext</authentication></outgoingServer>
        </emailProvider></clientConfig>
        """

    static func directory(_ files: [String: String]) throws -> String {
        let directory = TestPaths.temporaryDirectory("publish")
        for (name, text) in files { try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return directory.path
    }

    static func publisher(_ files: [String: String] = ["pub.test.xml": imapAndSMTP]) throws -> Publisher {
        Publisher(try PublishedDomains(directories: [try directory(files)]))
    }

    static func text(_ response: PublishResponse?) -> String { String(decoding: response?.body ?? [], as: UTF8.self) }

    @Test func loadingRefusesAnythingALookupWouldRefuse() throws {
        let wildcard = Self.imapAndSMTP.replacingOccurrences(of: "<domain>pub.test</domain>", with: "<domain>*.com</domain>")
        let suffix = Self.imapAndSMTP.replacingOccurrences(of: "<domain>pub.test</domain>", with: "<domain>co.uk</domain>")
        let badHost = Self.imapAndSMTP.replacingOccurrences(of: "imap.pub.test", with: "imap.pub.test\r\nX")
        let cases: [([String: String], String)] = [
            (["a.xml": wildcard], "*.com"),
            (["a.xml": suffix], "public suffix"),
            (["a.xml": Self.imapAndSMTP.replacingOccurrences(of: "<domain>pub.test</domain>", with: "<domain>bad domain</domain>")], "invalid <domain>"),
            (["a.xml": Self.imapAndSMTP, "b.xml": Self.imapAndSMTP], "already published by"),
            (["a.xml": "<clientConfig>"], "a.xml"),
            (["a.xml": badHost], "skipping <incomingServer"),
            ([:], "no provider files"),
        ]
        for (files, expected) in cases {
            let directory = try Self.directory(files)
            #expect(throws: PublishedDomains.LoadError.self) { try PublishedDomains(directories: [directory]) }
            do { _ = try PublishedDomains(directories: [directory]) } catch {
                #expect(error.description.contains(expected), "\(error.description)")
            }
        }
        #expect(throws: PublishedDomains.LoadError.self) { try PublishedDomains(directories: ["/nonexistent/publish"]) }
    }

    @Test func autoconfigAndWellKnownServeTheFileWithPlaceholdersKept() throws {
        let publisher = try Self.publisher()
        let expected = try ConfigXMLReader().read(Self.imapAndSMTP, source: "file").configuration
        for (host, path) in [("autoconfig.pub.test", "/mail/config-v1.1.xml"), ("pub.test", "/.well-known/autoconfig/mail/config-v1.1.xml"),
                             ("AutoConfig.PUB.test.:8443", "/mail/config-v1.1.xml"), ("autoconfig.pub-alias.test", "/mail/config-v1.1.xml")] {
            let response = try #require(publisher.respond(PublishRequest(method: "GET", host: host, path: path, query: ["emailaddress": "alice@\(host.contains("alias") ? "pub-alias.test" : "pub.test")"])))
            #expect(response.status == 200, "\(host)")
            #expect(response.headers["Content-Type"] == "text/xml; charset=utf-8")
            #expect(response.headers["Cache-Control"]?.contains("max-age") == true)
            let served = try ConfigXMLReader().read(Self.text(response), source: host).configuration
            #expect(served == expected)
            #expect(served.incoming.first?.username == "%EMAILLOCALPART%")
        }
        let head = try #require(publisher.respond(PublishRequest(method: "HEAD", host: "pub.test", path: "/.well-known/autoconfig/mail/config-v1.1.xml")))
        #expect(head.status == 200 && head.body.isEmpty)
    }

    @Test func neverAnotherDomainsSettings() throws {
        let publisher = try Self.publisher()
        let path = "/mail/config-v1.1.xml"
        for host in ["autoconfig.other.test", "other.test", "pub.test.attacker.test", "autoconfig.pub.test.attacker.test", "127.0.0.1",
                     "[::1]:443", "", "autoconfig.pub.test:x", "autoconfig.pub.test\r\nX: y", "evil/../pub.test"] {
            let response = try #require(publisher.respond(PublishRequest(method: "GET", host: host, path: path)))
            #expect(response.status == 404, "\(host)")
        }
        #expect(publisher.respond(PublishRequest(method: "GET", host: nil, path: path))?.status == 404)
        // The address must be of the host's domain; a traversal or foreign address is refused.
        for address in ["alice@other.test", "../../etc/passwd", "alice@pub.test/../x", "alice@pub.test%00", ""] {
            let response = try #require(publisher.respond(PublishRequest(method: "GET", host: "autoconfig.pub.test", path: path, query: ["emailaddress": address])))
            #expect(response.status == 400, "\(address)")
        }
        #expect(publisher.respond(PublishRequest(method: "GET", host: "pub.test", path: "/other")) == nil)
        #expect(publisher.respond(PublishRequest(method: "POST", host: "autoconfig.pub.test", path: path))?.status == 405)
    }

    @Test func autodiscoverAnswersPerUserInTheSchemaOutlookReads() throws {
        let publisher = try Self.publisher()
        for (host, path) in [("autodiscover.pub.test", "/autodiscover/autodiscover.xml"), ("pub.test", "/Autodiscover/Autodiscover.xml")] {
            let request = PublishRequest(method: "POST", host: host, path: path, body: AutodiscoverRequestWriter.request(for: "Alice@pub.test"))
            let response = try #require(publisher.respond(request))
            #expect(response.status == 200)
            #expect(response.headers["Cache-Control"] == "no-store")
            guard case .settings(let configuration, let warnings) = try AutodiscoverPOXReader().read(response.body, source: host) else {
                Issue.record("not a settings answer: \(Self.text(response))")
                continue
            }
            #expect(warnings.isEmpty)
            #expect(configuration.displayName == "Pub Mail")
            #expect(configuration.incoming.map(\.endpoint) == ["imap.pub.test:993", "imap2.pub.test:143"])
            #expect(configuration.incoming.map(\.socketType) == [.ssl, .startTLS])
            #expect(configuration.incoming.map(\.username) == ["Alice", "Alice"])
            #expect(configuration.incoming[1].authenticationMethods == [.passwordEncrypted])
            #expect(configuration.outgoing.map(\.endpoint) == ["smtp.pub.test:587"])
            #expect(configuration.outgoing.first?.socketType == .startTLS)
        }
    }

    @Test func hostileAutodiscoverRequestsGetAClean4xx() throws {
        let publisher = try Self.publisher()
        func post(_ body: [UInt8], host: String = "autodiscover.pub.test") throws -> PublishResponse {
            try #require(publisher.respond(PublishRequest(method: "POST", host: host, path: "/autodiscover/autodiscover.xml", body: body)))
        }
        let xxe = Array("""
            <?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>
            <Autodiscover><Request><EMailAddress>&x;</EMailAddress></Request></Autodiscover>
            """.utf8)
        let huge = Array("<Autodiscover><Request><EMailAddress>\(String(repeating: "a", count: 40_000))@pub.test</EMailAddress></Request></Autodiscover>".utf8)
        #expect(try post(xxe).status == 400)
        #expect(try post(huge).status == 413)
        #expect(try post(Array("not xml".utf8)).status == 400)
        #expect(try post([]).status == 400)
        #expect(try post(Array("<Other/>".utf8)).status == 400)
        let foreign = try post(AutodiscoverRequestWriter.request(for: "alice@other.test"))
        #expect(foreign.status == 404)
        guard case .error(let code, _) = try AutodiscoverPOXReader().read(foreign.body, source: "foreign") else {
            Issue.record("not an Error response")
            return
        }
        #expect(code == "500")
        #expect(try post(AutodiscoverRequestWriter.request(for: "alice@pub.test"), host: "autodiscover.other.test").status == 404)
        #expect(publisher.respond(PublishRequest(method: "GET", host: "pub.test", path: "/autodiscover/autodiscover.xml"))?.status == 405)
    }

    @Test func autodiscoverV2PointsAtThePOXEndpoint() throws {
        let publisher = try Self.publisher()
        let path = "/autodiscover/autodiscover.json/v1.0/alice%40pub.test"
        let response = try #require(publisher.respond(PublishRequest(method: "GET", host: "autodiscover.pub.test", path: path, query: ["Protocol": "AutodiscoverV1"])))
        #expect(response.status == 200)
        let answer = try JSONDecoder().decode(AutodiscoverV2Client.Answer.self, from: Data(response.body))
        #expect(answer.url == "https://autodiscover.pub.test/autodiscover/autodiscover.xml")
        #expect(publisher.respond(PublishRequest(method: "GET", host: "autodiscover.pub.test", path: path, query: ["Protocol": "Ews"]))?.status == 404)
        #expect(publisher.respond(PublishRequest(method: "GET", host: "autodiscover.pub.test", path: path, query: ["Protocol": "x"]))?.status == 400)
        let foreign = "/autodiscover/autodiscover.json/v1.0/alice%40other.test"
        #expect(publisher.respond(PublishRequest(method: "GET", host: "autodiscover.pub.test", path: foreign, query: ["Protocol": "AutodiscoverV1"]))?.status == 404)
        #expect(publisher.respond(PublishRequest(method: "GET", host: "autodiscover.pub.test", path: "/autodiscover/autodiscover.json/v1.0/%zz", query: ["Protocol": "AutodiscoverV1"]))?.status == 404)
    }

    @Test func mobileconfigIsAPerUserProfile() throws {
        let publisher = try Self.publisher()
        let response = try #require(publisher.respond(PublishRequest(method: "GET", host: "autoconfig.pub.test", path: "/mobileconfig", query: ["emailaddress": "alice@pub.test"])))
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/x-apple-aspen-config")
        let plist = try #require(try PropertyListSerialization.propertyList(from: Data(response.body), format: nil) as? [String: Any])
        let mail = try #require((plist["PayloadContent"] as? [[String: Any]])?.first)
        #expect(mail["IncomingMailServerHostName"] as? String == "imap.pub.test")
        #expect(mail["IncomingMailServerUsername"] as? String == "alice")
        #expect(mail["OutgoingMailServerPortNumber"] as? Int == 587)
        #expect(publisher.respond(PublishRequest(method: "GET", host: "autoconfig.pub.test", path: "/mobileconfig"))?.status == 400)
        #expect(publisher.respond(PublishRequest(method: "GET", host: "autoconfig.pub.test", path: "/mobileconfig", query: ["emailaddress": "a@other.test"]))?.status == 400)
    }

    @Test func zoneRecordsNameEveryServiceInPreferenceOrder() throws {
        let configuration = try ConfigXMLReader().read(Self.imapAndSMTP, source: "file").configuration
        let zone = ZoneRecords(configuration: configuration, domain: "pub.test", publisher: "publish.host.test", ttl: 600)
        let srv = zone.records.filter { $0.type == "SRV" }.map { "\($0.name) \($0.data)" }
        #expect(srv == [
            "_imaps._tcp.pub.test. 0 1 993 imap.pub.test.",
            "_imap._tcp.pub.test. 0 1 143 imap2.pub.test.",
            "_pop3s._tcp.pub.test. 0 0 0 .",
            "_pop3._tcp.pub.test. 0 0 0 .",
            "_submissions._tcp.pub.test. 0 0 0 .",
            "_submission._tcp.pub.test. 0 1 587 smtp.pub.test.",
            "_autodiscover._tcp.pub.test. 0 1 443 publish.host.test.",
        ])
        #expect(zone.records.contains(.init(name: "autoconfig.pub.test.", type: "CNAME", data: "publish.host.test.")))
        let line = try #require(zone.zoneText.split(separator: "\n").first { $0.hasPrefix("_imaps._tcp") })
        #expect(line.split(separator: " ").map(String.init) == ["_imaps._tcp.pub.test.", "600", "IN", "SRV", "0", "1", "993", "imap.pub.test."])
        let perUser = configuration.incoming.map { server -> Server in
            var copy = server
            copy.hostname = "%EMAILLOCALPART%.mail.pub.test"
            return copy
        }
        var userHosts = configuration
        userHosts.incoming = perUser
        let notes = ZoneRecords(configuration: userHosts, domain: "pub.test", publisher: nil).notes
        #expect(notes.contains { $0.contains("differs per user") })
        #expect(notes.contains { $0.contains("--publisher") })
    }
}

/// Signed profiles, checked by OpenSSL's own `cms -verify` against the suite's CA.
@Suite struct ProfileSignerTests {
    @Test func signedProfilesVerifyAndCarryTheProfile() throws {
        let pair = try TestCA.shared.issue(["profiles.pub.test"])
        let signer = try ProfileSigner(certificateFile: pair.certificate, keyFile: pair.key)
        let publisher = Publisher(try PublishedDomains(directories: [try PublisherTests.directory(["pub.test.xml": PublisherTests.imapAndSMTP])]), profileSigner: signer)
        let unsigned = try #require(try PublisherTests.publisher().respond(PublishRequest(method: "GET", host: "pub.test", path: "/mobileconfig", query: ["emailaddress": "alice@pub.test"])))
        let response = try #require(publisher.respond(PublishRequest(method: "GET", host: "pub.test", path: "/mobileconfig", query: ["emailaddress": "alice@pub.test"])))
        #expect(response.status == 200)
        #expect(response.body.first == 0x30, "DER starts with a SEQUENCE")
        let directory = TestPaths.temporaryDirectory("signed-profile")
        let signed = directory.appendingPathComponent("signed.der"), content = directory.appendingPathComponent("content.xml")
        try Data(response.body).write(to: signed)
        let verify = try runCommand("/usr/bin/openssl", ["cms", "-verify", "-inform", "DER", "-in", signed.path, "-CAfile", TestCA.shared.caFile,
                                                         "-purpose", "any", "-out", content.path])
        #expect(verify.status == 0, "\(verify.stderr)")
        let verified = try Data(contentsOf: content)
        // UUIDs differ per answer: compare the profiles without them.
        func withoutUUIDs(_ data: Data) -> String {
            String(decoding: data, as: UTF8.self).split(separator: "\n").filter { !$0.contains("-") || !$0.contains("<string>") }.joined(separator: "\n")
        }
        #expect(withoutUUIDs(verified) == withoutUUIDs(Data(unsigned.body)))
        let plist = try #require(try PropertyListSerialization.propertyList(from: verified, format: nil) as? [String: Any])
        #expect(plist["PayloadType"] as? String == "Configuration")
        // Signed by another CA: OpenSSL refuses it against ours.
        let rogue = try TestCA.rogue.issue(["profiles.pub.test"])
        let rogueSigned = try #require(try ProfileSigner(certificateFile: rogue.certificate, keyFile: rogue.key).sign(unsigned.body))
        try Data(rogueSigned).write(to: signed)
        let refused = try runCommand("/usr/bin/openssl", ["cms", "-verify", "-inform", "DER", "-in", signed.path, "-CAfile", TestCA.shared.caFile, "-purpose", "any", "-out", content.path])
        #expect(refused.status != 0)
    }

    @Test func badSigningFilesAreOneLineErrors() throws {
        let pair = try TestCA.shared.issue(["profiles.pub.test"])
        let other = try TestCA.shared.issue(["other.pub.test"])
        let cases: [(String, String, String)] = [
            ("/nonexistent/cert.pem", pair.key, "cannot read the file"),
            (pair.certificate, "/nonexistent/key.pem", "cannot read the file"),
            (pair.key, pair.key, "no PEM certificate"),
            (pair.certificate, pair.certificate, "no unencrypted PEM private key"),
            (pair.certificate, other.key, "is not the key of the certificate"),
        ]
        for (certificate, key, message) in cases {
            do {
                _ = try ProfileSigner(certificateFile: certificate, keyFile: key)
                Issue.record("accepted \(certificate) \(key)")
            } catch {
                #expect(error.description.contains(message), "\(error.description)")
                #expect(!error.description.contains("\n"))
            }
        }
    }
}
