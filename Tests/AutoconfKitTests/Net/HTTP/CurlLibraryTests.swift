@testable import AutoconfKit
import CCurl
import Foundation
import Testing

/// libcurl is dlopened at first use instead of linked (see CurlLibrary): it loads, knows its
/// version, and a missing library is a one-line error instead of a crash.
@Suite struct CurlLibraryTests {
    @Test func loadsAndReportsItsVersion() throws {
        let curl = try CurlLibrary.load()
        // "7.88.1": digits and dots.
        let parts = curl.version.split(separator: ".")
        #expect(parts.count >= 2 && parts.allSatisfy { Int($0) != nil }, "\(curl.version)")
        #expect(curl.easyStrerror(CURLE_OK) == "No error")
        // The variadic setopt/getinfo go through the C wrappers with the resolved pointers.
        let easy = try #require(curl.easyInit())
        defer { curl.easyCleanup(easy) }
        #expect(curl.setoptString(easy, CURLOPT_URL, "https://example.test/") == CURLE_OK)
        #expect(curl.setoptLong(easy, CURLOPT_TIMEOUT_MS, 1000) == CURLE_OK)
        var url: UnsafeMutablePointer<CChar>?
        #expect(curl.getinfoString(easy, CURLINFO_EFFECTIVE_URL, &url) == CURLE_OK)
        #expect(url.map { String(cString: $0) } == "https://example.test/")
    }

    @Test func loadsOnceForTheProcess() throws {
        #expect(try CurlLibrary.load() === CurlLibrary.load())
    }

    @Test func missingLibraryIsAOneLineError() {
        #expect {
            _ = try CurlLibrary(soname: "libcurl-autoconf-missing.so.4")
        } throws: { error in
            let message = (error as? CurlLibrary.LoadError)?.description ?? ""
            return message.hasPrefix("libcurl is not installed (libcurl-autoconf-missing.so.4: ")
                && message.hasSuffix("); install the libcurl4 package") && !message.contains("\n")
        }
    }
}
