@testable import AutoconfKit
import Foundation
import Testing

/// The bundled provider files are embedded already parsed (ProviderEmbedder, at build time, with
/// FoundationXML): what proves the embedded trees right is that each one is exactly what
/// HardenedXMLParser makes of the file's text, and that reading it gives the same answer.
@Suite struct EmbeddedXMLTreeTests {
    @Test func everyEmbeddedTreeIsWhatTheHardenedParserMakesOfTheFile() throws {
        #expect(BundledProviders.files.count == BundledProviderData.trees.count)
        #expect(BundledProviders.files.count >= 40)
        for (number, file) in BundledProviders.files.enumerated() {
            let parsed = try HardenedXMLParser.parse(Array(file.contents.utf8), source: file.name)
            let embedded = try #require(BundledProviders.tree(number), "\(file.name): the embedded tree does not decode")
            // Names, attributes, text, line numbers and order, element by element.
            #expect(embedded == parsed, "\(file.name): \(Self.firstDifference(embedded, parsed) ?? "?")")
        }
    }

    @Test func readingTheTreeGivesWhatReadingTheTextGives() throws {
        let reader = ConfigXMLReader()
        for (number, file) in BundledProviders.files.enumerated() {
            let fromText = try reader.read(file.contents, source: "bundled:\(file.name)")
            let fromTree = try reader.read(root: try #require(BundledProviders.tree(number)), source: "bundled:\(file.name)")
            #expect(fromTree.configuration == fromText.configuration, "\(file.name)")
            #expect(fromTree.warnings == fromText.warnings, "\(file.name)")
            #expect(fromTree.refusedWildcards == fromText.refusedWildcards, "\(file.name)")
        }
        // The catalog and the per-domain index (what a lookup uses) read the trees.
        var parsedCatalog = ProviderCatalog()
        for file in BundledProviders.files { parsedCatalog.add(file.contents, source: "bundled:\(file.name)") }
        #expect(BundledProviders.catalog.entries.map(\.configuration) == parsedCatalog.entries.map(\.configuration))
        #expect(BundledProviders.catalog.entries.map(\.source) == parsedCatalog.entries.map(\.source))
        #expect(BundledProviders.catalog.errors == parsedCatalog.errors)
        for domain in ["gmail.com", "googlemail.com", "outlook.com", "yahoo.com", "gmx.de"] {
            let fromIndex = BundledProviders.index.entry(for: domain)
            let fromText = parsedCatalog.entry(for: domain)
            #expect(fromIndex?.configuration == fromText?.configuration, "\(domain)")
            #expect(fromIndex?.source == fromText?.source, "\(domain)")
            #expect(fromIndex?.warnings == fromText?.warnings, "\(domain)")
        }
        #expect(BundledProviders.index.entry(for: "gmail.com") != nil)
    }

    @Test func decodesTheFormatAndRefusesAnythingElse() {
        let tree = "2\u{1F}1\u{1F}root\u{1F}1\u{1F}a\u{1F}b\u{1F}\u{1F}\u{1E}"
            + "0\u{1F}2\u{1F}x\u{1F}0\u{1F}one\u{1F}\u{1E}"
            + "0\u{1F}3\u{1F}y\u{1F}0\u{1F}t\u{2603}\u{1F}\u{1E}"
        let expected = XMLElement(name: "root", attributes: ["a": "b"], children: [
            XMLElement(name: "x", text: "one", line: 2), XMLElement(name: "y", text: "t\u{2603}", line: 3),
        ], line: 1)
        #expect(EmbeddedXMLTree.decode(tree) == expected)
        for damaged in ["", "0\u{1F}1\u{1F}r\u{1F}0\u{1F}\u{1F}", "1\u{1F}1\u{1F}r\u{1F}0\u{1F}\u{1F}\u{1E}",
                        "0\u{1F}x\u{1F}r\u{1F}0\u{1F}\u{1F}\u{1E}", tree + tree, "0\u{1F}1\u{1F}r\u{1F}1\u{1F}a\u{1F}\u{1E}"] {
            #expect(EmbeddedXMLTree.decode(damaged) == nil, "\(damaged.debugDescription)")
        }
    }

    /// Where two trees first differ, as a path and both values (for the failure message).
    static func firstDifference(_ a: XMLElement, _ b: XMLElement, path: String = "") -> String? {
        let here = "\(path)/\(a.name)@\(a.line)"
        if a.name != b.name || a.line != b.line { return "\(here): <\(a.name)> line \(a.line) vs <\(b.name)> line \(b.line)" }
        if a.attributes != b.attributes { return "\(here): attributes \(a.attributes) vs \(b.attributes)" }
        if a.text != b.text { return "\(here): text \(a.text.debugDescription) vs \(b.text.debugDescription)" }
        if a.children.count != b.children.count { return "\(here): \(a.children.count) vs \(b.children.count) children" }
        for (x, y) in zip(a.children, b.children) {
            if let difference = firstDifference(x, y, path: here) { return difference }
        }
        return nil
    }
}
