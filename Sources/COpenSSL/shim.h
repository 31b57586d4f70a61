#ifndef AUTOCONF_COPENSSL_SHIM_H
#define AUTOCONF_COPENSSL_SHIM_H
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
// OpenSSL is not linked: OpenSSLLibrary.swift dlopens libssl.so.3 (which pulls in libcrypto.so.3)
// at first use, because mapping and relocating the two costs every process ~2 ms at startup.
// Nothing in this header may therefore reference an OpenSSL function; only the headers' types and
// constants are used directly.
//
// Function-pointer types for what OpenSSLLibrary resolves with dlsym, taken from the headers' own
// prototypes (__typeof__ is never evaluated, so no symbol is referenced) so they cannot drift.
typedef __typeof__(&OPENSSL_init_ssl) autoconf_OPENSSL_init_ssl_fn;
typedef __typeof__(&TLS_client_method) autoconf_TLS_client_method_fn;
typedef __typeof__(&SSL_CTX_new) autoconf_SSL_CTX_new_fn;
typedef __typeof__(&SSL_CTX_free) autoconf_SSL_CTX_free_fn;
typedef __typeof__(&SSL_CTX_set_verify) autoconf_SSL_CTX_set_verify_fn;
typedef __typeof__(&SSL_CTX_set_default_verify_paths) autoconf_SSL_CTX_set_default_verify_paths_fn;
typedef __typeof__(&SSL_CTX_load_verify_locations) autoconf_SSL_CTX_load_verify_locations_fn;
typedef __typeof__(&SSL_CTX_ctrl) autoconf_SSL_CTX_ctrl_fn;
typedef __typeof__(&SSL_new) autoconf_SSL_new_fn;
typedef __typeof__(&SSL_free) autoconf_SSL_free_fn;
typedef __typeof__(&SSL_set_fd) autoconf_SSL_set_fd_fn;
typedef __typeof__(&SSL_set1_host) autoconf_SSL_set1_host_fn;
typedef __typeof__(&SSL_connect) autoconf_SSL_connect_fn;
typedef __typeof__(&SSL_read) autoconf_SSL_read_fn;
typedef __typeof__(&SSL_write) autoconf_SSL_write_fn;
typedef __typeof__(&SSL_get_error) autoconf_SSL_get_error_fn;
typedef __typeof__(&SSL_get_verify_result) autoconf_SSL_get_verify_result_fn;
typedef __typeof__(&SSL_get0_peer_certificate) autoconf_SSL_get0_peer_certificate_fn;
typedef __typeof__(&SSL_get0_param) autoconf_SSL_get0_param_fn;
typedef __typeof__(&SSL_ctrl) autoconf_SSL_ctrl_fn;
// libcrypto's, found through libssl's handle (dlsym searches a library's dependencies too).
typedef __typeof__(&X509_VERIFY_PARAM_set1_ip_asc) autoconf_X509_VERIFY_PARAM_set1_ip_asc_fn;
typedef __typeof__(&X509_verify_cert_error_string) autoconf_X509_verify_cert_error_string_fn;
typedef __typeof__(&ERR_get_error) autoconf_ERR_get_error_fn;
typedef __typeof__(&ERR_clear_error) autoconf_ERR_clear_error_fn;
typedef __typeof__(&ERR_error_string_n) autoconf_ERR_error_string_n_fn;
typedef __typeof__(&X509_get0_notAfter) autoconf_X509_get0_notAfter_fn;
typedef __typeof__(&ASN1_TIME_to_tm) autoconf_ASN1_TIME_to_tm_fn;

// These OpenSSL calls are macros over SSL_ctrl / SSL_CTX_ctrl, which Swift cannot call: typed
// wrappers that take the resolved pointer and expand the macro's body with it.
static inline long autoconf_SSL_set_tlsext_host_name(autoconf_SSL_ctrl_fn f, SSL *s, const char *name) {
    return f(s, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, (void *)name);
}
static inline long autoconf_SSL_CTX_set_min_proto_version(autoconf_SSL_CTX_ctrl_fn f, SSL_CTX *c, int v) {
    return f(c, SSL_CTRL_SET_MIN_PROTO_VERSION, v, NULL);
}
#endif
