@testable import AutoconfKit
import COpenSSL
import Foundation
import Testing

/// OpenSSL is dlopened at first use instead of linked (see OpenSSLLibrary): it loads once, its
/// functions and the macro wrappers work through the resolved pointers, and a missing library is a
/// one-line error instead of a crash.
@Suite struct OpenSSLLibraryTests {
    @Test func loadsAndCallsThroughTheResolvedPointers() throws {
        let openssl = try OpenSSLRuntime.library()
        #expect(openssl.x509VerifyCertErrorString(Int(X509_V_OK)).map { String(cString: $0) } == "ok")
        openssl.errClearError()
        #expect(openssl.lastError() == "unknown TLS error")
        // SSL_CTX_set_min_proto_version / SSL_set_tlsext_host_name are macros over the ctrl calls.
        let method = try #require(openssl.tlsClientMethod())
        let context = try #require(openssl.ctxNew(method))
        defer { openssl.ctxFree(context) }
        #expect(openssl.ctxSetMinProtoVersion(context, TLS1_2_VERSION) == 1)
        let ssl = try #require(openssl.sslNew(context))
        defer { openssl.sslFree(ssl) }
        #expect(openssl.setTLSExtHostName(ssl, "imap.example.test") == 1)
        #expect(openssl.sslSet1Host(ssl, "imap.example.test") == 1)
        #expect(openssl.sslGet0PeerCertificate(ssl) == nil)
    }

    @Test func loadsOnceForTheProcess() throws {
        #expect(try OpenSSLRuntime.library() === OpenSSLRuntime.library())
    }

    @Test func missingLibraryIsAOneLineError() {
        #expect {
            _ = try OpenSSLLibrary(soname: "libssl-autoconf-missing.so.3")
        } throws: { error in
            let message = (error as? OpenSSLLibrary.LoadError)?.description ?? ""
            return message.hasPrefix("OpenSSL is not installed (libssl-autoconf-missing.so.3: ")
                && message.hasSuffix("); install the libssl3 package") && !message.contains("\n")
        }
    }
}
