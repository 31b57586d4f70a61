import COpenSSL

/// libcurl and the mail prober share one libcrypto. By default OpenSSL frees its global state in
/// an `atexit` handler; a process that exits while a probe or transfer thread is still inside
/// OpenSSL (a lookup that returned early and left cancelled work behind) then crashes in freed
/// memory (seen in the sim as SIGSEGV in OPENSSL_sk_dup). Initializing OpenSSL first with
/// OPENSSL_INIT_NO_ATEXIT keeps that state alive until the process is gone. It must run before
/// libcurl's own initialization, so every network entry point calls it.
public enum OpenSSLRuntime {
    private static let prepared: Bool = {
        OPENSSL_init_ssl(UInt64(OPENSSL_INIT_NO_ATEXIT), nil) == 1
    }()

    public static func prepare() { _ = prepared }
}
