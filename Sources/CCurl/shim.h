#ifndef AUTOCONF_CCURL_SHIM_H
#define AUTOCONF_CCURL_SHIM_H
#include <curl/curl.h>
// libcurl is not linked: CurlLibrary.swift dlopens libcurl.so.4 at first use, because linking it
// (and the ~30 libraries it pulls in) costs every process ~9 ms at startup. Nothing in this header
// may therefore reference a curl function; only curl.h's types and constants are used directly.
//
// Function-pointer types for what CurlLibrary resolves with dlsym, taken from curl.h's own
// prototypes (__typeof__ is never evaluated, so no symbol is referenced) so they cannot drift.
typedef __typeof__(&curl_global_init) autoconf_curl_global_init_fn;
typedef __typeof__(&curl_version_info) autoconf_curl_version_info_fn;
typedef __typeof__(&curl_easy_init) autoconf_curl_easy_init_fn;
typedef __typeof__(&curl_easy_cleanup) autoconf_curl_easy_cleanup_fn;
typedef __typeof__(&curl_easy_perform) autoconf_curl_easy_perform_fn;
typedef __typeof__(&curl_easy_strerror) autoconf_curl_easy_strerror_fn;
typedef __typeof__(&curl_slist_append) autoconf_curl_slist_append_fn;
typedef __typeof__(&curl_slist_free_all) autoconf_curl_slist_free_all_fn;
typedef __typeof__(&curl_multi_init) autoconf_curl_multi_init_fn;
typedef __typeof__(&curl_multi_cleanup) autoconf_curl_multi_cleanup_fn;
typedef __typeof__(&curl_multi_add_handle) autoconf_curl_multi_add_handle_fn;
typedef __typeof__(&curl_multi_remove_handle) autoconf_curl_multi_remove_handle_fn;
typedef __typeof__(&curl_multi_perform) autoconf_curl_multi_perform_fn;
typedef __typeof__(&curl_multi_info_read) autoconf_curl_multi_info_read_fn;
typedef __typeof__(&curl_multi_poll) autoconf_curl_multi_poll_fn;
typedef __typeof__(&curl_multi_wakeup) autoconf_curl_multi_wakeup_fn;
// The URL API (libcurl >= 7.62): the one parser that decides which host a URL names.
typedef __typeof__(&curl_url) autoconf_curl_url_fn;
typedef __typeof__(&curl_url_cleanup) autoconf_curl_url_cleanup_fn;
typedef __typeof__(&curl_url_set) autoconf_curl_url_set_fn;
typedef __typeof__(&curl_url_get) autoconf_curl_url_get_fn;
typedef __typeof__(&curl_free) autoconf_curl_free_fn;
// The variadic ones (Swift sees these pointers as OpaquePointer and cannot call them): the typed
// wrappers below take the resolved pointer and make the variadic call from C.
typedef __typeof__(&curl_easy_setopt) autoconf_curl_easy_setopt_fn;
typedef __typeof__(&curl_easy_getinfo) autoconf_curl_easy_getinfo_fn;

// curl_easy_setopt / curl_easy_getinfo are variadic, which Swift cannot call: typed wrappers.
static inline CURLcode autoconf_curl_setopt_long(autoconf_curl_easy_setopt_fn f, CURL *h, CURLoption o, long v) { return f(h, o, v); }
static inline CURLcode autoconf_curl_setopt_string(autoconf_curl_easy_setopt_fn f, CURL *h, CURLoption o, const char *v) { return f(h, o, v); }
static inline CURLcode autoconf_curl_setopt_pointer(autoconf_curl_easy_setopt_fn f, CURL *h, CURLoption o, void *v) { return f(h, o, v); }
static inline CURLcode autoconf_curl_setopt_slist(autoconf_curl_easy_setopt_fn f, CURL *h, CURLoption o, struct curl_slist *v) { return f(h, o, v); }
static inline CURLcode autoconf_curl_setopt_write_callback(autoconf_curl_easy_setopt_fn f, CURL *h, CURLoption o, size_t (*cb)(char *, size_t, size_t, void *)) { return f(h, o, cb); }
static inline CURLcode autoconf_curl_getinfo_long(autoconf_curl_easy_getinfo_fn f, CURL *h, CURLINFO i, long *v) { return f(h, i, v); }
static inline CURLcode autoconf_curl_getinfo_string(autoconf_curl_easy_getinfo_fn f, CURL *h, CURLINFO i, char **v) { return f(h, i, v); }
static inline CURLcode autoconf_curl_setopt_off(autoconf_curl_easy_setopt_fn f, CURL *h, CURLoption o, curl_off_t v) { return f(h, o, v); }
static inline CURLcode autoconf_curl_setopt_header_callback(autoconf_curl_easy_setopt_fn f, CURL *h, size_t (*cb)(char *, size_t, size_t, void *)) { return f(h, CURLOPT_HEADERFUNCTION, cb); }
// CURLVERSION_NOW aliases an enum constant, which Swift does not import.
static inline curl_version_info_data *autoconf_curl_version_info_now(autoconf_curl_version_info_fn f) { return f(CURLVERSION_NOW); }
// CURLMsg keeps its result in an anonymous union: read it in C.
static inline CURLcode autoconf_curl_msg_result(const CURLMsg *m) { return m->data.result; }
static inline int autoconf_curl_msg_is_done(const CURLMsg *m) { return m->msg == CURLMSG_DONE; }
// The mail session (Net/Mail/CurlMailSession): debug and progress callbacks and the certificate chain.
typedef int (*autoconf_curl_debug_cb)(CURL *, curl_infotype, char *, size_t, void *);
typedef int (*autoconf_curl_xferinfo_cb)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
static inline CURLcode autoconf_curl_setopt_debug_callback(autoconf_curl_easy_setopt_fn f, CURL *h, autoconf_curl_debug_cb cb) { return f(h, CURLOPT_DEBUGFUNCTION, cb); }
static inline CURLcode autoconf_curl_setopt_xferinfo_callback(autoconf_curl_easy_setopt_fn f, CURL *h, autoconf_curl_xferinfo_cb cb) { return f(h, CURLOPT_XFERINFOFUNCTION, cb); }
static inline CURLcode autoconf_curl_getinfo_certinfo(autoconf_curl_easy_getinfo_fn f, CURL *h, struct curl_certinfo **v) { return f(h, CURLINFO_CERTINFO, v); }
#endif
