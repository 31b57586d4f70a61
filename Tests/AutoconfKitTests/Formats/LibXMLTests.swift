@testable import AutoconfKit
import Testing

/// libxml2 is dlopened at first use instead of linked (see LibXML): it loads once, and a missing
/// library is a one-line error instead of a crash.
@Suite struct LibXMLTests {
    @Test func loadsOnceForTheProcess() throws {
        #expect(try LibXML.load() === LibXML.load())
        #expect(LibXML.unavailable == nil)
    }

    @Test func missingLibraryIsAOneLineError() {
        #expect {
            _ = try LibXML(soname: "libxml2-autoconf-missing.so.2")
        } throws: { error in
            let message = (error as? LibXML.LoadError)?.description ?? ""
            return message.hasPrefix("libxml2 is not installed (libxml2-autoconf-missing.so.2: ")
                && message.hasSuffix("); install the libxml2 package") && !message.contains("\n")
        }
    }
}
