import AutoconfKit
#if canImport(Glibc)
import Glibc
#endif

// The functions of include/autoconf.h. Each one catches every Swift error and turns it into an
// error string: nothing here throws, traps on a bad argument, or lets Swift unwind into C.

public typealias CString = UnsafeMutablePointer<CChar>
public typealias Callback = @convention(c) (UnsafeMutableRawPointer?, CString?, CString?) -> Void

/// A copy the caller owns (malloc'd: autoconf_string_free is free).
func ownedCString(_ text: String) -> CString? { strdup(text) }

/// Writes an out-parameter when the caller gave one.
func write(_ text: String?, to out: UnsafeMutablePointer<CString?>?) {
    out?.pointee = text.flatMap(ownedCString)
}

/// A C string argument as Swift text: NULL and invalid UTF-8 are errors naming the argument.
func text(_ pointer: UnsafePointer<CChar>?, _ name: String) -> Result<String, CAPIError> {
    guard let pointer else { return .failure(CAPIError("\(name) is NULL")) }
    guard let text = String(validatingCString: pointer) else { return .failure(CAPIError("\(name) is not valid UTF-8")) }
    return .success(text)
}

func handle(_ pointer: OpaquePointer?) -> Handle? {
    pointer.map { Unmanaged<Handle>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
}

/// Made once, never freed: autoconf_version() returns it.
nonisolated(unsafe) private let versionCString: UnsafeMutablePointer<CChar> = strdup(AutoconfKit.version)!

@_cdecl("autoconf_version")
public func autoconf_version() -> UnsafePointer<CChar> {
    UnsafePointer(versionCString)
}

@_cdecl("autoconf_new")
public func autoconf_new(_ optionsJSON: UnsafePointer<CChar>?, _ error: UnsafeMutablePointer<CString?>?) -> OpaquePointer? {
    write(nil, to: error)
    var json: String?
    if optionsJSON != nil {
        switch text(optionsJSON, "options_json") {
        case .success(let text): json = text
        case .failure(let failure):
            write(failure.message, to: error)
            return nil
        }
    }
    do {
        let options = try OptionsJSON.options(from: json)
        let created = try Handle(options: options)
        return OpaquePointer(Unmanaged.passRetained(created).toOpaque())
    } catch let failure as OptionsJSON.Failure {
        write(failure.message, to: error)
    } catch let failure as AutoconfError {
        write(failure.description, to: error)
    } catch let other {
        write(String(describing: other), to: error)
    }
    return nil
}

@_cdecl("autoconf_free")
public func autoconf_free(_ pointer: OpaquePointer?) {
    guard let pointer else { return }
    let unmanaged = Unmanaged<Handle>.fromOpaque(UnsafeRawPointer(pointer))
    unmanaged.takeUnretainedValue().cancelAll()
    unmanaged.release()  // running lookups hold their own references until their callbacks return
}

@_cdecl("autoconf_lookup_json")
public func autoconf_lookup_json(_ pointer: OpaquePointer?, _ email: UnsafePointer<CChar>?, _ error: UnsafeMutablePointer<CString?>?) -> CString? {
    write(nil, to: error)
    guard let handle = handle(pointer) else {
        write("the autoconf handle is NULL", to: error)
        return nil
    }
    let address: String
    switch text(email, "email") {
    case .success(let text): address = text
    case .failure(let failure):
        write(failure.message, to: error)
        return nil
    }
    switch blockingCall({ await handle.lookup(address) }) {
    case .json(let json): return ownedCString(json)
    case .error(let message):
        write(message, to: error)
        return nil
    }
}

/// The C callback and its user pointer, carried to the thread that calls it.
private struct Delivery: @unchecked Sendable {
    let callback: Callback
    let user: UnsafeMutableRawPointer?

    func callAsFunction(_ outcome: Handle.Outcome) {
        let (json, error): (CString?, CString?)
        switch outcome {
        case .json(let text): (json, error) = (ownedCString(text), nil)
        case .error(let text): (json, error) = (nil, ownedCString(text))
        }
        callback(user, json, error)
    }
}

@_cdecl("autoconf_lookup_async")
public func autoconf_lookup_async(_ pointer: OpaquePointer?, _ email: UnsafePointer<CChar>?, _ callback: Callback?,
                                  _ user: UnsafeMutableRawPointer?) -> Int {
    guard let handle = handle(pointer), let callback else { return -1 }
    let delivery = Delivery(callback: callback, user: user)
    return handle.start(text(email, "email")) { outcome in
        // A thread of its own, so the callback may block or call back into the library without
        // holding one of Swift's few cooperative threads; inline only when no thread can be made.
        if DetachedThread.tryStart(name: "autoconf-cb", { delivery(outcome) }) != 0 { delivery(outcome) }
    }
}

@_cdecl("autoconf_cancel")
public func autoconf_cancel(_ pointer: OpaquePointer?, _ request: Int) -> Int32 {
    guard let handle = handle(pointer) else { return -1 }
    return handle.cancel(request) ? 0 : -1
}

@_cdecl("autoconf_verify_json")
public func autoconf_verify_json(_ pointer: OpaquePointer?, _ email: UnsafePointer<CChar>?, _ password: UnsafeRawPointer?, _ passwordLength: Int,
                                 _ flags: UInt32, _ json: UnsafeMutablePointer<CString?>?, _ error: UnsafeMutablePointer<CString?>?) -> Int32 {
    write(nil, to: json)
    write(nil, to: error)
    func badInput(_ message: String) -> Int32 {
        write(message, to: error)
        return 2
    }
    guard let handle = handle(pointer) else { return badInput("the autoconf handle is NULL") }
    let address: String
    switch text(email, "email") {
    case .success(let text): address = text
    case .failure(let failure): return badInput(failure.message)
    }
    guard passwordLength >= 0, password != nil || passwordLength == 0 else { return badInput("password is NULL") }
    guard passwordLength > 0 else { return badInput("the password is empty") }
    let secret = Secret(bytes: UnsafeRawBufferPointer(start: password, count: passwordLength))
    let (code, document, message) = blockingCall { await Verification.run(handle, address, secret, flags: flags) }
    write(document, to: json)
    write(message, to: error)
    return code
}

@_cdecl("autoconf_string_free")
public func autoconf_string_free(_ string: CString?) {
    free(string)
}

/// `autoconf lookup --verify --json`, without the terminal: confirming is a flag.
enum Verification {
    static let acceptConfirm: UInt32 = 1
    static let allowPlaintext: UInt32 = 2

    static func run(_ handle: Handle, _ address: String, _ password: Secret, flags: UInt32) async -> (Int32, String?, String?) {
        let autoconf = handle.autoconf
        let result: LookupResult
        do { result = try await autoconf.lookup(address) } catch { return (2, nil, error.description) }
        guard let best = result.best else {
            return (result.failedOnNetwork ? 3 : 1, LookupJSON.encode(result), result.unsupported?.explanation ?? result.notFoundMessage)
        }
        if best.trust.level == .confirm && flags & acceptConfirm == 0 {
            return (5, LookupJSON.encode(result),
                    "the configuration needs confirming (\(best.trust)); check its servers and pass AUTOCONF_VERIFY_ACCEPT_CONFIRM to log in")
        }
        let report = await autoconf.loginVerifier(allowPlaintext: flags & allowPlaintext != 0).verify(
            best.configuration, email: result.email, password: password, username: autoconf.options.manual.username)
        return (report.succeeded ? 0 : 5, LookupJSON.encode(result, verification: report), nil)
    }
}
