import CCurl
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// libcurl, loaded at first use instead of linked. Debian's libcurl4 drags in ~30 shared libraries
/// (gnutls via ldap, krb5, nghttp2, rtmp, ssh2, ...): a C program that merely links it takes ~10 ms
/// to start instead of ~1 ms, and every `autoconf` run paid that, even a lookup that the bundled
/// provider files answer without any network. Now the dynamic loader does not see libcurl at
/// startup; the first HTTP request or mail login `dlopen`s `libcurl.so.4` (the runtime package's
/// soname, so the -dev package is not needed to run) and resolves, once, the functions used here.
///
/// `shared` is a `static let`: loading, symbol lookup and `curl_global_init` run once and
/// thread-safely. When libcurl is missing, callers get a one-line error through their ordinary
/// network errors, never a crash. The library is never unloaded, so the pointers stay valid.
///
/// The non-variadic functions are stored as typed C function pointers and called directly
/// (`curl.easyInit()`). `curl_easy_setopt`/`curl_easy_getinfo` are variadic: Swift cannot call
/// them, so the methods below hand the resolved pointer to shim.h's typed wrappers, which make the
/// variadic call from C.
final class CurlLibrary: @unchecked Sendable {  // immutable after init; the library stays loaded
    typealias LoadError = LoadedLibrary.LoadError

    static let soname = "libcurl.so.4"

    /// The process's libcurl, loaded and initialized on first access.
    static let shared: Result<CurlLibrary, LoadError> = {
        // Before libcurl is loaded: OpenSSLRuntime.prepare() loads OpenSSL and sets it up first.
        OpenSSLRuntime.prepare()
        do throws(LoadError) {
            let library = try CurlLibrary(soname: soname)
            try library.initialize()
            return .success(library)
        } catch {
            return .failure(error)
        }
    }()

    static func load() throws(LoadError) -> CurlLibrary { try shared.get() }

    /// `shared`, made on a thread of its own: `preload()` starts it (the resolver's network
    /// warm-up does), and async code awaits `ready()` before its first synchronous use of libcurl
    /// (URLHost parses every URL with curl's parser), so a cooperative thread never sits in
    /// dlopen or waits for another thread's dlopen.
    private static let background = BackgroundValue<Bool>(name: "autoconf-load") {
        if case .success = shared { return true }
        return false
    }

    static func preload() { background.start() }

    static func ready() async { _ = await background.value() }

    let easyInit: autoconf_curl_easy_init_fn
    let easyCleanup: autoconf_curl_easy_cleanup_fn
    let easyPerform: autoconf_curl_easy_perform_fn
    let slistAppend: autoconf_curl_slist_append_fn
    let slistFreeAll: autoconf_curl_slist_free_all_fn
    let multiInit: autoconf_curl_multi_init_fn
    let multiCleanup: autoconf_curl_multi_cleanup_fn
    let multiAddHandle: autoconf_curl_multi_add_handle_fn
    let multiRemoveHandle: autoconf_curl_multi_remove_handle_fn
    let multiPerform: autoconf_curl_multi_perform_fn
    let multiInfoRead: autoconf_curl_multi_info_read_fn
    let multiPoll: autoconf_curl_multi_poll_fn
    let multiWakeup: autoconf_curl_multi_wakeup_fn
    let urlNew: autoconf_curl_url_fn
    let urlCleanup: autoconf_curl_url_cleanup_fn
    let urlSet: autoconf_curl_url_set_fn
    let urlGet: autoconf_curl_url_get_fn
    let free: autoconf_curl_free_fn
    private let globalInit: autoconf_curl_global_init_fn
    private let versionInfo: autoconf_curl_version_info_fn
    private let strerrorFunction: autoconf_curl_easy_strerror_fn
    // Variadic: only ever passed to the C wrappers.
    private let easySetopt: OpaquePointer
    private let easyGetinfo: OpaquePointer

    /// Opens and resolves, without `curl_global_init` (tests open a missing name through this).
    init(soname: String) throws(LoadError) {
        // libcurl's libssl/libcrypto are the ones OpenSSLRuntime.prepare() has already loaded (see
        // `shared`), so its setup applies to curl too.
        let library = try LoadedLibrary(soname: soname, displayName: "libcurl", package: "libcurl4")
        func function<T>(_ name: String, as type: T.Type) throws(LoadError) -> T { try library.function(name, as: type) }
        globalInit = try function("curl_global_init", as: autoconf_curl_global_init_fn.self)
        versionInfo = try function("curl_version_info", as: autoconf_curl_version_info_fn.self)
        strerrorFunction = try function("curl_easy_strerror", as: autoconf_curl_easy_strerror_fn.self)
        easyInit = try function("curl_easy_init", as: autoconf_curl_easy_init_fn.self)
        easyCleanup = try function("curl_easy_cleanup", as: autoconf_curl_easy_cleanup_fn.self)
        easyPerform = try function("curl_easy_perform", as: autoconf_curl_easy_perform_fn.self)
        slistAppend = try function("curl_slist_append", as: autoconf_curl_slist_append_fn.self)
        slistFreeAll = try function("curl_slist_free_all", as: autoconf_curl_slist_free_all_fn.self)
        multiInit = try function("curl_multi_init", as: autoconf_curl_multi_init_fn.self)
        multiCleanup = try function("curl_multi_cleanup", as: autoconf_curl_multi_cleanup_fn.self)
        multiAddHandle = try function("curl_multi_add_handle", as: autoconf_curl_multi_add_handle_fn.self)
        multiRemoveHandle = try function("curl_multi_remove_handle", as: autoconf_curl_multi_remove_handle_fn.self)
        multiPerform = try function("curl_multi_perform", as: autoconf_curl_multi_perform_fn.self)
        multiInfoRead = try function("curl_multi_info_read", as: autoconf_curl_multi_info_read_fn.self)
        multiPoll = try function("curl_multi_poll", as: autoconf_curl_multi_poll_fn.self)
        multiWakeup = try function("curl_multi_wakeup", as: autoconf_curl_multi_wakeup_fn.self)
        urlNew = try function("curl_url", as: autoconf_curl_url_fn.self)
        urlCleanup = try function("curl_url_cleanup", as: autoconf_curl_url_cleanup_fn.self)
        urlSet = try function("curl_url_set", as: autoconf_curl_url_set_fn.self)
        urlGet = try function("curl_url_get", as: autoconf_curl_url_get_fn.self)
        free = try function("curl_free", as: autoconf_curl_free_fn.self)
        easySetopt = OpaquePointer(try library.symbol("curl_easy_setopt"))
        easyGetinfo = OpaquePointer(try library.symbol("curl_easy_getinfo"))
    }

    /// curl_global_init must run once before anything else touches libcurl, after OpenSSL's own
    /// setup (which `shared` ran before loading libcurl).
    private func initialize() throws(LoadError) {
        let code = globalInit(Int(CURL_GLOBAL_ALL))
        if code != CURLE_OK { throw LoadError(description: "libcurl failed to initialize: \(easyStrerror(code))") }
    }

    /// "7.88.1"
    var version: String {
        guard let info = autoconf_curl_version_info_now(versionInfo), let version = info.pointee.version else { return "unknown" }
        return String(cString: version)
    }

    func easyStrerror(_ code: CURLcode) -> String {
        guard let message = strerrorFunction(code) else { return "libcurl error \(code.rawValue)" }
        return String(cString: message)
    }

    // curl_easy_setopt / curl_easy_getinfo through shim.h's wrappers.
    func setoptLong(_ easy: UnsafeMutableRawPointer, _ option: CURLoption, _ value: Int) -> CURLcode {
        autoconf_curl_setopt_long(easySetopt, easy, option, value)
    }

    func setoptString(_ easy: UnsafeMutableRawPointer, _ option: CURLoption, _ value: UnsafePointer<CChar>?) -> CURLcode {
        autoconf_curl_setopt_string(easySetopt, easy, option, value)
    }

    func setoptPointer(_ easy: UnsafeMutableRawPointer, _ option: CURLoption, _ value: UnsafeMutableRawPointer?) -> CURLcode {
        autoconf_curl_setopt_pointer(easySetopt, easy, option, value)
    }

    func setoptSlist(_ easy: UnsafeMutableRawPointer, _ option: CURLoption, _ value: UnsafeMutablePointer<curl_slist>?) -> CURLcode {
        autoconf_curl_setopt_slist(easySetopt, easy, option, value)
    }

    func setoptOff(_ easy: UnsafeMutableRawPointer, _ option: CURLoption, _ value: curl_off_t) -> CURLcode {
        autoconf_curl_setopt_off(easySetopt, easy, option, value)
    }

    typealias DataCallback = @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int

    func setoptWriteCallback(_ easy: UnsafeMutableRawPointer, _ option: CURLoption, _ callback: DataCallback) -> CURLcode {
        autoconf_curl_setopt_write_callback(easySetopt, easy, option, callback)
    }

    func setoptHeaderCallback(_ easy: UnsafeMutableRawPointer, _ callback: DataCallback) -> CURLcode {
        autoconf_curl_setopt_header_callback(easySetopt, easy, callback)
    }

    func setoptDebugCallback(_ easy: UnsafeMutableRawPointer, _ callback: autoconf_curl_debug_cb) -> CURLcode {
        autoconf_curl_setopt_debug_callback(easySetopt, easy, callback)
    }

    func setoptXferinfoCallback(_ easy: UnsafeMutableRawPointer, _ callback: autoconf_curl_xferinfo_cb) -> CURLcode {
        autoconf_curl_setopt_xferinfo_callback(easySetopt, easy, callback)
    }

    func getinfoLong(_ easy: UnsafeMutableRawPointer, _ info: CURLINFO, _ value: UnsafeMutablePointer<Int>) -> CURLcode {
        autoconf_curl_getinfo_long(easyGetinfo, easy, info, value)
    }

    func getinfoString(_ easy: UnsafeMutableRawPointer, _ info: CURLINFO, _ value: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CURLcode {
        autoconf_curl_getinfo_string(easyGetinfo, easy, info, value)
    }

    func getinfoCertinfo(_ easy: UnsafeMutableRawPointer, _ value: UnsafeMutablePointer<UnsafeMutablePointer<curl_certinfo>?>) -> CURLcode {
        autoconf_curl_getinfo_certinfo(easyGetinfo, easy, value)
    }
}
