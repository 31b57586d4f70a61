import CUnbound

/// libunbound, loaded at first use instead of linked, as libcurl and OpenSSL are (CurlLibrary,
/// OpenSSLLibrary): Debian's libunbound8 brings libevent, nettle, hogweed and gmp, and a lookup that
/// provider files answer, or that asks no DNS record, should not map them. The first validated DNS
/// query `dlopen`s `libunbound.so.8` (the runtime package's soname) and resolves, once, the
/// functions used here. When it is missing, queries fail with a one-line error naming the package.
final class UnboundLibrary: @unchecked Sendable {  // immutable after init; the library stays loaded
    typealias LoadError = LoadedLibrary.LoadError

    static let soname = "libunbound.so.8"

    static let shared: Result<UnboundLibrary, LoadError> = {
        do throws(LoadError) { return .success(try UnboundLibrary(soname: soname)) } catch { return .failure(error) }
    }()

    static func load() throws(LoadError) -> UnboundLibrary { try shared.get() }

    let ctxCreate: autoconf_ub_ctx_create_fn
    let ctxDelete: autoconf_ub_ctx_delete_fn
    let setOption: autoconf_ub_ctx_set_option_fn
    let setForwarder: autoconf_ub_ctx_set_fwd_fn
    let resolvConf: autoconf_ub_ctx_resolvconf_fn
    let addTrustAnchorFile: autoconf_ub_ctx_add_ta_file_fn
    let zoneRemove: autoconf_ub_ctx_zone_remove_fn
    let setAsync: autoconf_ub_ctx_async_fn
    let fd: autoconf_ub_fd_fn
    let process: autoconf_ub_process_fn
    let resolveAsync: autoconf_ub_resolve_async_fn
    let cancel: autoconf_ub_cancel_fn
    let resolveFree: autoconf_ub_resolve_free_fn
    private let strerrorFunction: autoconf_ub_strerror_fn

    init(soname: String) throws(LoadError) {
        let library = try LoadedLibrary(soname: soname, displayName: "libunbound", package: "libunbound8")
        func function<T>(_ name: String, as type: T.Type) throws(LoadError) -> T { try library.function(name, as: type) }
        ctxCreate = try function("ub_ctx_create", as: autoconf_ub_ctx_create_fn.self)
        ctxDelete = try function("ub_ctx_delete", as: autoconf_ub_ctx_delete_fn.self)
        setOption = try function("ub_ctx_set_option", as: autoconf_ub_ctx_set_option_fn.self)
        setForwarder = try function("ub_ctx_set_fwd", as: autoconf_ub_ctx_set_fwd_fn.self)
        resolvConf = try function("ub_ctx_resolvconf", as: autoconf_ub_ctx_resolvconf_fn.self)
        addTrustAnchorFile = try function("ub_ctx_add_ta_file", as: autoconf_ub_ctx_add_ta_file_fn.self)
        zoneRemove = try function("ub_ctx_zone_remove", as: autoconf_ub_ctx_zone_remove_fn.self)
        setAsync = try function("ub_ctx_async", as: autoconf_ub_ctx_async_fn.self)
        fd = try function("ub_fd", as: autoconf_ub_fd_fn.self)
        process = try function("ub_process", as: autoconf_ub_process_fn.self)
        resolveAsync = try function("ub_resolve_async", as: autoconf_ub_resolve_async_fn.self)
        cancel = try function("ub_cancel", as: autoconf_ub_cancel_fn.self)
        resolveFree = try function("ub_resolve_free", as: autoconf_ub_resolve_free_fn.self)
        strerrorFunction = try function("ub_strerror", as: autoconf_ub_strerror_fn.self)
    }

    func describe(_ code: Int32) -> String {
        guard let text = strerrorFunction(code) else { return "libunbound error \(code)" }
        return String(cString: text)
    }
}
