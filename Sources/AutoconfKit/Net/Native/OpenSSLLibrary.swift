import COpenSSL
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// OpenSSL, loaded at first use instead of linked, like libcurl (see CurlLibrary). Mapping and
/// relocating libssl.so.3 and libcrypto.so.3 cost every `autoconf` run ~2 ms of its startup,
/// although only the mail prober (and libcurl) use them. Now the dynamic loader does not see them
/// at startup; `OpenSSLRuntime.prepare()`, the one way in, `dlopen`s `libssl.so.3` (the runtime
/// package's soname, so the -dev package is not needed to run; it pulls in libcrypto.so.3) and
/// resolves, once, the functions used here. Nothing else calls dlsym for OpenSSL.
///
/// When OpenSSL is missing, the mail prober gets a one-line `MailProbeError.tls`, never a crash;
/// offline lookups do not need it. The library is never unloaded, so the pointers stay valid.
///
/// The functions are stored as typed C function pointers and called directly
/// (`openssl.sslNew(context)`). `SSL_set_tlsext_host_name` and `SSL_CTX_set_min_proto_version`
/// are macros over `SSL_ctrl`/`SSL_CTX_ctrl`: the methods below hand the resolved pointer to
/// shim.h's wrappers, which expand the macro with it.
final class OpenSSLLibrary: @unchecked Sendable {  // immutable after init; the library stays loaded
    typealias LoadError = LoadedLibrary.LoadError

    static let soname = "libssl.so.3"

    let initSSL: autoconf_OPENSSL_init_ssl_fn
    let tlsClientMethod: autoconf_TLS_client_method_fn
    let ctxNew: autoconf_SSL_CTX_new_fn
    let ctxFree: autoconf_SSL_CTX_free_fn
    let ctxSetVerify: autoconf_SSL_CTX_set_verify_fn
    let ctxSetDefaultVerifyPaths: autoconf_SSL_CTX_set_default_verify_paths_fn
    let ctxLoadVerifyLocations: autoconf_SSL_CTX_load_verify_locations_fn
    let sslNew: autoconf_SSL_new_fn
    let sslFree: autoconf_SSL_free_fn
    let sslSetFd: autoconf_SSL_set_fd_fn
    let sslSet1Host: autoconf_SSL_set1_host_fn
    let sslConnect: autoconf_SSL_connect_fn
    let sslRead: autoconf_SSL_read_fn
    let sslWrite: autoconf_SSL_write_fn
    let sslGetError: autoconf_SSL_get_error_fn
    let sslGetVerifyResult: autoconf_SSL_get_verify_result_fn
    let sslGet0PeerCertificate: autoconf_SSL_get0_peer_certificate_fn
    let sslGet0Param: autoconf_SSL_get0_param_fn
    let x509VerifyParamSet1IPAsc: autoconf_X509_VERIFY_PARAM_set1_ip_asc_fn
    let x509VerifyCertErrorString: autoconf_X509_verify_cert_error_string_fn
    let errClearError: autoconf_ERR_clear_error_fn
    let x509Get0NotAfter: autoconf_X509_get0_notAfter_fn
    let asn1TimeToTm: autoconf_ASN1_TIME_to_tm_fn
    private let errGetError: autoconf_ERR_get_error_fn
    private let errErrorStringN: autoconf_ERR_error_string_n_fn
    // Behind macros: only ever passed to the C wrappers.
    private let sslCtrl: autoconf_SSL_ctrl_fn
    private let ctxCtrl: autoconf_SSL_CTX_ctrl_fn

    /// Opens and resolves, without `OPENSSL_init_ssl` (tests open a missing name through this;
    /// everything else goes through `OpenSSLRuntime`).
    init(soname: String) throws(LoadError) {
        // libcurl, loaded later, still gets this same libssl.so.3/libcrypto.so.3, since the loader
        // reuses a loaded soname. dlsym on libssl's handle also searches its dependencies, so
        // libcrypto's X509_/ERR_ functions are found through it.
        let library = try LoadedLibrary(soname: soname, displayName: "OpenSSL", package: "libssl3")
        func function<T>(_ name: String, as type: T.Type) throws(LoadError) -> T { try library.function(name, as: type) }
        initSSL = try function("OPENSSL_init_ssl", as: autoconf_OPENSSL_init_ssl_fn.self)
        tlsClientMethod = try function("TLS_client_method", as: autoconf_TLS_client_method_fn.self)
        ctxNew = try function("SSL_CTX_new", as: autoconf_SSL_CTX_new_fn.self)
        ctxFree = try function("SSL_CTX_free", as: autoconf_SSL_CTX_free_fn.self)
        ctxSetVerify = try function("SSL_CTX_set_verify", as: autoconf_SSL_CTX_set_verify_fn.self)
        ctxSetDefaultVerifyPaths = try function("SSL_CTX_set_default_verify_paths", as: autoconf_SSL_CTX_set_default_verify_paths_fn.self)
        ctxLoadVerifyLocations = try function("SSL_CTX_load_verify_locations", as: autoconf_SSL_CTX_load_verify_locations_fn.self)
        ctxCtrl = try function("SSL_CTX_ctrl", as: autoconf_SSL_CTX_ctrl_fn.self)
        sslNew = try function("SSL_new", as: autoconf_SSL_new_fn.self)
        sslFree = try function("SSL_free", as: autoconf_SSL_free_fn.self)
        sslSetFd = try function("SSL_set_fd", as: autoconf_SSL_set_fd_fn.self)
        sslSet1Host = try function("SSL_set1_host", as: autoconf_SSL_set1_host_fn.self)
        sslConnect = try function("SSL_connect", as: autoconf_SSL_connect_fn.self)
        sslRead = try function("SSL_read", as: autoconf_SSL_read_fn.self)
        sslWrite = try function("SSL_write", as: autoconf_SSL_write_fn.self)
        sslGetError = try function("SSL_get_error", as: autoconf_SSL_get_error_fn.self)
        sslGetVerifyResult = try function("SSL_get_verify_result", as: autoconf_SSL_get_verify_result_fn.self)
        sslGet0PeerCertificate = try function("SSL_get0_peer_certificate", as: autoconf_SSL_get0_peer_certificate_fn.self)
        sslGet0Param = try function("SSL_get0_param", as: autoconf_SSL_get0_param_fn.self)
        sslCtrl = try function("SSL_ctrl", as: autoconf_SSL_ctrl_fn.self)
        x509VerifyParamSet1IPAsc = try function("X509_VERIFY_PARAM_set1_ip_asc", as: autoconf_X509_VERIFY_PARAM_set1_ip_asc_fn.self)
        x509VerifyCertErrorString = try function("X509_verify_cert_error_string", as: autoconf_X509_verify_cert_error_string_fn.self)
        errGetError = try function("ERR_get_error", as: autoconf_ERR_get_error_fn.self)
        errClearError = try function("ERR_clear_error", as: autoconf_ERR_clear_error_fn.self)
        errErrorStringN = try function("ERR_error_string_n", as: autoconf_ERR_error_string_n_fn.self)
        x509Get0NotAfter = try function("X509_get0_notAfter", as: autoconf_X509_get0_notAfter_fn.self)
        asn1TimeToTm = try function("ASN1_TIME_to_tm", as: autoconf_ASN1_TIME_to_tm_fn.self)
    }

    // The macros, through shim.h's wrappers.
    func setTLSExtHostName(_ ssl: OpaquePointer, _ name: String) -> Int {
        autoconf_SSL_set_tlsext_host_name(sslCtrl, ssl, name)
    }

    func ctxSetMinProtoVersion(_ context: OpaquePointer, _ version: Int32) -> Int {
        autoconf_SSL_CTX_set_min_proto_version(ctxCtrl, context, version)
    }

    /// When `certificate` stops being valid (its notAfter), or nil when it cannot be read.
    func notAfter(_ certificate: OpaquePointer) -> Date? {
        guard let time = x509Get0NotAfter(certificate) else { return nil }
        var parts = tm()
        guard asn1TimeToTm(time, &parts) == 1 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }

    /// The most recent OpenSSL error as one line (and clears the thread's error queue).
    func lastError() -> String {
        let code = errGetError()
        errClearError()
        guard code != 0 else { return "unknown TLS error" }
        var buffer = [CChar](repeating: 0, count: 256)
        errErrorStringN(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
