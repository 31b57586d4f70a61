import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

@Suite struct ProviderCatalogTests {
    @Test func bundledFilesAreAllValidAndCoverTheLargestProviders() throws {
        #expect(BundledProviders.catalog.errors == [])
        #expect(BundledProviders.catalog.entries.count >= 40)
        for entry in BundledProviders.catalog.entries {
            #expect(entry.warnings.isEmpty, "\(entry.source): \(entry.warnings)")
        }
        let catalog = BundledProviders.catalog
        for domain in ["gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com", "yahoo.co.uk",
                       "aol.com", "icloud.com", "me.com", "gmx.net", "gmx.de", "web.de", "t-online.de", "mail.ru", "yandex.ru", "zoho.com",
                       "fastmail.com", "posteo.de", "mailbox.org", "orange.fr", "free.fr", "sfr.fr", "libero.it", "virgilio.it",
                       "seznam.cz", "wp.pl", "onet.pl", "interia.pl", "naver.com", "daum.net", "qq.com", "163.com", "126.com",
                       "sina.com", "rediffmail.com", "comcast.net", "verizon.net", "att.net", "cox.net", "charter.net", "bigpond.com",
                       "shaw.ca", "rogers.com", "bell.net", "1und1.de", "ionos.de", "strato.de", "secureserver.net", "proton.me", "tuta.com"] {
            #expect(catalog.entry(for: domain) != nil, "no bundled provider for \(domain)")
        }
    }

    /// The per-domain index (built from the compile-time domain list, no file parsed) answers as
    /// the catalog of every parsed file does: same file for each listed domain, for a name under
    /// each wildcard, and nothing for a name no file lists.
    @Test func theBundledIndexAnswersAsTheParsedCatalog() {
        let catalog = BundledProviders.catalog
        let index = BundledProviders.index
        var names = ["nobody-lists-this.example", "gmail.com.attacker.tld"]
        for entry in catalog.entries {
            for domain in entry.configuration.domains {
                names.append(domain.hasPrefix("*.") ? "mail." + domain.dropFirst(2) : domain)
            }
        }
        for name in names {
            #expect(index.entry(for: name)?.source == catalog.entry(for: name)?.source, "\(name)")
        }
    }

    @Test func noDomainIsListedTwice() {
        var seen: [String: String] = [:]
        for entry in BundledProviders.catalog.entries {
            for domain in entry.configuration.domains {
                #expect(seen[domain] == nil, "\(domain) in \(entry.source) and \(seen[domain] ?? "")")
                seen[domain] = entry.source
            }
        }
    }

    @Test func matchingIsExactOrExplicitWildcard() {
        var catalog = ProviderCatalog()
        catalog.add(Self.file(id: "hoster", domains: ["*.hoster.example", "hoster.example"]), source: "h")
        let bundled = BundledProviders.catalog
        #expect(bundled.entry(for: "outlook.com") != nil)
        #expect(bundled.entry(for: "outlook.attacker.tld") == nil)
        #expect(bundled.entry(for: "outlook.com.attacker.tld") == nil)
        #expect(bundled.entry(for: "attacker-outlook.com") == nil)
        #expect(bundled.entry(for: "mail.outlook.com") == nil)
        #expect(catalog.entry(for: "a.b.hoster.example")?.source == "h")
        #expect(catalog.entry(for: "hoster.example")?.source == "h")
        #expect(catalog.entry(for: "hoster.example.evil") == nil)
        #expect(catalog.entry(for: "xhoster.example") == nil)
    }

    @Test func brokenFilesAreReportedNotFatal() {
        var catalog = ProviderCatalog()
        catalog.add("<clientConfig><oops", source: "broken.xml")
        catalog.add(Self.file(id: "ok", domains: ["ok.example"]), source: "ok.xml")
        #expect(catalog.entries.count == 1)
        #expect(catalog.errors.count == 1)
        #expect(catalog.errors[0].hasPrefix("broken.xml:1:"))
    }

    @Test func userFilesWinOverBundledOnes() async throws {
        let directory = TestPaths.temporaryDirectory("user-providers")
        try Self.file(id: "my-gmail", domains: ["gmail.com"], host: "imap.override.example").write(
            to: directory.appendingPathComponent("gmail.xml"), atomically: true, encoding: .utf8)
        let autoconf = Autoconf(options: AutoconfOptions(offline: true, providerDirectories: [directory.path], readsUserDirectory: false))
        let result = try await autoconf.lookup("x@gmail.com")
        #expect(result.best?.configuration.incoming.first?.hostname == "imap.override.example")
        #expect(result.best?.provenance.plugin == "user-files")
        #expect(result.best?.provenance.channel == .userFile)
        // The bundled plugin cannot beat a trusted user file, so it was not waited for.
        #expect(result.reports.first { $0.plugin == "bundled" }.map { [.cancelled, .skipped, .found].contains($0.status) } == true)
    }

    @Test func xdgConfigHomeIsRead() {
        #expect(UserProviderDirectory.path(environment: ["XDG_CONFIG_HOME": "/cfg", "HOME": "/home/u"]) == "/cfg/autoconf/providers")
        #expect(UserProviderDirectory.path(environment: ["HOME": "/home/u"]) == "/home/u/.config/autoconf/providers")
        #expect(UserProviderDirectory.path(environment: ["XDG_CONFIG_HOME": "relative", "HOME": "/h"]) == "/h/.config/autoconf/providers")
    }

    @Test func providersWithoutStandardProtocolsExplainThemselves() async throws {
        let autoconf = Autoconf(options: AutoconfOptions(offline: true, readsUserDirectory: false))
        for address in ["a@proton.me", "a@protonmail.com", "a@tuta.com", "a@tutanota.com"] {
            let result = try await autoconf.lookup(address)
            #expect(!result.found)
            #expect(result.unsupported?.explanation.isEmpty == false, "\(address)")
        }
    }

    @Test func bigProvidersCarryOAuthAndNotes() async throws {
        let autoconf = Autoconf(options: AutoconfOptions(offline: true, readsUserDirectory: false))
        let gmail = try #require(try await autoconf.lookup("a@gmail.com").best)
        #expect(gmail.configuration.oauth2?.issuer == "accounts.google.com")
        #expect(gmail.configuration.incoming.first?.hostname == "imap.gmail.com")
        #expect(gmail.configuration.outgoing.first?.hostname == "smtp.gmail.com")
        let icloud = try #require(try await autoconf.lookup("a@icloud.com").best)
        #expect(icloud.configuration.instructions.contains { $0.kind == .appPassword })
        let outlook = try #require(try await autoconf.lookup("a@hotmail.com").best)
        #expect(outlook.configuration.oauth2 != nil)
    }

    static func file(id: String, domains: [String], host: String = "mail.example.com") -> String {
        """
        <clientConfig version="1.1"><emailProvider id="\(id)">
        \(domains.map { "<domain>\($0)</domain>" }.joined())
        <incomingServer type="imap"><hostname>\(host)</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
        <outgoingServer type="smtp"><hostname>\(host)</hostname><port>465</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
        </emailProvider></clientConfig>
        """
    }
}

@Suite struct ProviderWildcardTests {
    @Test func wildcardsOnPublicSuffixesAreRefused() throws {
        var catalog = ProviderCatalog()
        for (index, wildcard) in ["*.com", "*.co.uk", "*.*", "*.", "*.github.io"].enumerated() {
            catalog.add(ProviderCatalogTests.file(id: "evil\(index)", domains: [wildcard], host: "mail.attacker.example"), source: "evil\(index)")
        }
        catalog.add(ProviderCatalogTests.file(id: "ok", domains: ["*.hoster.co.uk"]), source: "ok")
        #expect(catalog.entry(for: "gmail.com") == nil)
        #expect(catalog.entry(for: "bbc.co.uk") == nil)
        #expect(catalog.entry(for: "alice.github.io") == nil)
        #expect(catalog.entry(for: "a.hoster.co.uk")?.source == "ok")
        let document = try ConfigXMLReader().read(ProviderCatalogTests.file(id: "e", domains: ["*.com", "corp.example"]), source: "e")
        #expect(document.refusedWildcards == ["*.com"])
        #expect(document.configuration.domains == ["corp.example"])
        #expect(document.warnings.contains { $0.contains("public suffix") })
        #expect(!ProviderCatalog.isUnsafeWildcard("*.hoster.example"))
        #expect(ProviderCatalog.isUnsafeWildcard("*.com"))
    }
}
