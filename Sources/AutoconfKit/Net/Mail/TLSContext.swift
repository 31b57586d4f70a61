import COpenSSL

/// The OpenSSL client context every probe shares: TLS 1.2 or newer, the system's trust store
/// (honouring SSL_CERT_FILE / SSL_CERT_DIR) plus an optional extra CA file. Certificates are
/// verified on every handshake; the handshake itself is not aborted on a bad certificate, so the
/// prober can report *why* a server's certificate failed instead of only that it did. A connection
/// whose certificate failed is never treated as validated.
final class TLSContext: @unchecked Sendable {
    // Configured once in init, then only read (SSL_new), which OpenSSL allows from any thread.
    let context: OpaquePointer

    init(caFile: String?) throws(MailProbeError) {
        OpenSSLRuntime.prepare()
        guard let method = TLS_client_method(), let context = SSL_CTX_new(method) else {
            throw .tls("cannot create a TLS context: \(TLSContext.lastError())")
        }
        self.context = context
        _ = autoconf_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION)
        _ = SSL_CTX_set_default_verify_paths(context)
        if let caFile {
            guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else {
                throw .tls("cannot read CA file \(caFile): \(TLSContext.lastError())")
            }
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
    }

    deinit { SSL_CTX_free(context) }

    /// The most recent OpenSSL error as one line (and clears the thread's error queue).
    static func lastError() -> String {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return "unknown TLS error" }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
