import COpenSSL

/// The OpenSSL client context every probe shares: TLS 1.2 or newer, the roots `TrustStore` chooses
/// (the system's hashed directory, read per handshake, plus an optional extra CA file).
/// Certificates are verified on every handshake; the handshake itself is not aborted on a bad
/// certificate, so the prober can report *why* a server's certificate failed instead of only that
/// it did. A connection whose certificate failed is never treated as validated.
final class TLSContext: @unchecked Sendable {
    // Configured once in init, then only read (SSL_new), which OpenSSL allows from any thread.
    let context: OpaquePointer
    let openssl: OpenSSLLibrary

    init(caFile: String?) throws(MailProbeError) {
        let openssl = try OpenSSLRuntime.library()  // loads OpenSSL at first use (OpenSSLLibrary)
        self.openssl = openssl
        guard let method = openssl.tlsClientMethod(), let context = openssl.ctxNew(method) else {
            throw .tls("cannot create a TLS context: \(openssl.lastError())")
        }
        self.context = context
        _ = openssl.ctxSetMinProtoVersion(context, TLS1_2_VERSION)
        do throws(TrustStore.Problem) {
            try TrustStore(caFile: caFile).apply(to: context, openssl: openssl)
        } catch {
            throw .tls(error.description)  // deinit frees the context
        }
        openssl.ctxSetVerify(context, SSL_VERIFY_NONE, nil)
    }

    deinit { openssl.ctxFree(context) }
}
