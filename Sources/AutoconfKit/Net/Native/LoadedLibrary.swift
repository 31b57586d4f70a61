#if canImport(Glibc)
import Glibc
#endif

/// A C library opened with `dlopen` at first use instead of linked (see CurlLibrary and
/// OpenSSLLibrary for why), and the one-line errors a user sees when it is missing or unusable.
/// The handle is never closed, so every resolved pointer stays valid for the process.
struct LoadedLibrary {
    struct LoadError: Error, Sendable, Equatable, CustomStringConvertible {
        let description: String
    }

    let soname: String
    /// How the error names the library ("libcurl") and the Debian package that installs it.
    let displayName: String
    let package: String
    private let handle: UnsafeMutableRawPointer

    /// RTLD_NOW: a broken installation fails here, not in the middle of a transfer or handshake.
    /// RTLD_LOCAL: the library's symbols stay out of the global namespace (a soname already loaded,
    /// such as libssl.so.3 for libcurl, is still reused).
    init(soname: String, displayName: String, package: String) throws(LoadError) {
        LoaderGate.waitBeforeLoading()
        guard let handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL) else {
            throw LoadError(description: "\(displayName) is not installed (\(Self.lastError(soname))); install the \(package) package")
        }
        self.soname = soname
        self.displayName = displayName
        self.package = package
        self.handle = handle
    }

    /// The address of `name` (dlsym also searches the library's dependencies).
    func symbol(_ name: String) throws(LoadError) -> UnsafeMutableRawPointer {
        guard let pointer = dlsym(handle, name) else {
            throw LoadError(description: "\(soname) is not a usable \(displayName) (\(Self.lastError(name))); install the \(package) package")
        }
        return pointer
    }

    /// `name` as a typed C function pointer.
    func function<T>(_ name: String, as _: T.Type) throws(LoadError) -> T {
        unsafeBitCast(try symbol(name), to: T.self)
    }

    private static func lastError(_ fallback: String) -> String {
        guard let message = dlerror() else { return fallback }
        return String(cString: message)
    }
}
