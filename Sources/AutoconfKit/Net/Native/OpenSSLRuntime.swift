import COpenSSL

/// libcurl and the mail prober share one libcrypto. By default OpenSSL frees its global state in
/// an `atexit` handler; a process that exits while a probe or transfer thread is still inside
/// OpenSSL (a lookup that returned early and left cancelled work behind) then crashes in freed
/// memory (seen in the sim as SIGSEGV in OPENSSL_sk_dup). Initializing OpenSSL first with
/// OPENSSL_INIT_NO_ATEXIT keeps that state alive until the process is gone. It must run before
/// libcurl's own initialization, so every network entry point calls it.
///
/// OpenSSL is not linked (see OpenSSLLibrary): `prepare()` is also what loads it, once. libcurl,
/// dlopened after it, reuses the libssl.so.3 loaded here, so this setup applies to curl too.
package enum OpenSSLRuntime {
    private static let prepared: Result<OpenSSLLibrary, OpenSSLLibrary.LoadError> = {
        do throws(OpenSSLLibrary.LoadError) {
            let library = try OpenSSLLibrary(soname: OpenSSLLibrary.soname)
            guard library.initSSL(UInt64(OPENSSL_INIT_NO_ATEXIT), nil) == 1 else {
                throw OpenSSLLibrary.LoadError(description: "OpenSSL failed to initialize: \(library.lastError())")
            }
            // The first TLS context of a process costs ~1.5 ms (OpenSSL 3 fetches its ciphers,
            // groups and signature algorithms from the providers and caches them), a later one
            // ~0.2 ms. Made here, on the loading thread during the first DNS round trip, instead
            // of between a connection's TCP handshake and its ClientHello (libcurl makes a context
            // per connection; the prober one per process).
            if let method = library.tlsClientMethod(), let context = library.ctxNew(method) { library.ctxFree(context) }
            return .success(library)
        } catch {
            return .failure(error)
        }
    }()

    package static func prepare() { _ = prepared }

    /// The process's OpenSSL, loaded and initialized on first use; a missing one is a one-line
    /// TLS error.
    static func library() throws(MailProbeError) -> OpenSSLLibrary {
        switch prepared {
        case .success(let library): return library
        case .failure(let error): throw .tls(error.description)
        }
    }
}
