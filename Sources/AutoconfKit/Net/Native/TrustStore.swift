import CCurl
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Where TLS roots come from, for every TLS client in autoconf: the libcurl handles (HTTP sources,
/// login test) and the OpenSSL context of the mail prober. The one place CA certificates are
/// chosen.
///
/// OpenSSL 3 takes tens of milliseconds to parse a full PEM bundle, and libcurl would load CAINFO
/// again for every new connection — so where the system keeps a hashed certificate directory
/// (Debian's /etc/ssl/certs, looked for once per process), it is used as CAPATH, from which OpenSSL
/// reads only the issuer a handshake needs, with the user's `--ca-file` as CAINFO beside it.
/// Without such a directory, libcurl gets a private bundle of system roots + the user's file
/// (CAINFO alone would drop the system roots), and OpenSSL its default paths plus the file.
///
/// Both clients trust the same roots, chosen here once: `$SSL_CERT_DIR`, when it names a hashed
/// directory, replaces the system one; `$SSL_CERT_FILE` is read (in full) only when there is no
/// hashed directory at all — libcurl never read either variable, and parsing a whole bundle for
/// every process that probes cost ~30 ms of CPU where the directory serves the same roots.
final class TrustStore: Sendable {
    enum Source: Sendable, Equatable {
        /// The libraries' built-in defaults.
        case builtIn
        case directory(String, extraFile: String?)
        /// No hashed directory: the user's file on top of the defaults.
        case bundle(userFile: String)
    }

    struct Problem: Error, Sendable, CustomStringConvertible {
        let description: String
    }

    let source: Source
    /// The combined file handed to libcurl in the `.bundle` case, made at first use.
    private let combined = Mutex<Result<CABundle, Problem>?>(nil)

    init(caFile: String?) {
        if let directory = Self.hashedSystemDirectory() {
            source = .directory(directory, extraFile: caFile)
        } else if let caFile {
            source = .bundle(userFile: caFile)
        } else {
            source = .builtIn
        }
    }

    /// Sets CAINFO/CAPATH on a curl easy handle.
    func apply(to easy: UnsafeMutableRawPointer, curl: CurlLibrary) throws(Problem) {
        func check(_ code: CURLcode) throws(Problem) {
            if code != CURLE_OK { throw Problem(description: "cannot set CAINFO/CAPATH: \(curl.easyStrerror(code))") }
        }
        switch source {
        case .builtIn:
            return
        case .directory(let directory, let extraFile):
            try check(curl.setoptString(easy, CURLOPT_CAPATH, directory))
            // nil switches the built-in bundle off: the directory has the same roots, cheaper.
            try check(curl.setoptString(easy, CURLOPT_CAINFO, extraFile))
        case .bundle(let userFile):
            let bundle = try combined.withLock { made throws(Problem) -> CABundle in
                if made == nil {
                    do throws(Problem) { made = .success(try CABundle(userFile: userFile, curl: curl)) } catch { made = .failure(error) }
                }
                return try made!.get()
            }
            try check(curl.setoptString(easy, CURLOPT_CAINFO, bundle.path))
        }
    }

    /// Loads the roots into an OpenSSL client context.
    func apply(to context: OpaquePointer, openssl: OpenSSLLibrary) throws(Problem) {
        let extraFile: String?
        if case .directory(let directory, let file) = source {
            guard openssl.ctxLoadVerifyLocations(context, nil, directory) == 1 else {
                throw Problem(description: "cannot use the CA directory \(directory): \(openssl.lastError())")
            }
            extraFile = file
        } else {
            _ = openssl.ctxSetDefaultVerifyPaths(context)
            switch source {
            case .builtIn: extraFile = nil
            case .directory(_, let file): extraFile = file
            case .bundle(let file): extraFile = file
            }
        }
        if let extraFile, openssl.ctxLoadVerifyLocations(context, extraFile, nil) != 1 {
            throw Problem(description: "cannot read CA file \(extraFile): \(openssl.lastError())")
        }
    }

    /// A directory of `HASH.N` links as c_rehash / update-ca-certificates make them (looked for once).
    static func hashedSystemDirectory() -> String? { systemDirectory }

    private static let systemDirectory: String? = {
        let environment = ProcessInfo.processInfo.environment["SSL_CERT_DIR"].map { [$0] } ?? []
        for directory in environment + ["/etc/ssl/certs", "/etc/pki/tls/certs"] {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            if names.contains(where: isHashName) { return directory }
        }
        return nil
    }()

    private static func isHashName(_ name: String) -> Bool {
        let parts = name.split(separator: ".")
        guard parts.count == 2, parts[0].count == 8, parts[0].allSatisfy(\.isHexDigit), parts[1].allSatisfy(\.isNumber) else { return false }
        return true
    }
}

/// The system bundle followed by the user's certificates, in a private temporary file that is
/// deleted with its trust store.
final class CABundle: Sendable {
    let path: String

    /// Where the system roots live: what this libcurl was built with, else the usual places.
    static func systemBundlePath(curl: CurlLibrary) -> String? {
        var candidates: [String] = []
        if let easy = curl.easyInit() {
            var pointer: UnsafeMutablePointer<CChar>?
            if curl.getinfoString(easy, CURLINFO_CAINFO, &pointer) == CURLE_OK, let pointer {
                candidates.append(String(cString: pointer))
            }
            curl.easyCleanup(easy)
        }
        candidates += ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"]
        return candidates.first { FileManager.default.isReadableFile(atPath: $0) }
    }

    init(userFile: String, curl: CurlLibrary) throws(TrustStore.Problem) {
        guard let user = FileManager.default.contents(atPath: userFile) else {
            throw TrustStore.Problem(description: "--ca-file \(userFile): cannot read the file")
        }
        var combined = Data()
        if let system = Self.systemBundlePath(curl: curl), let roots = FileManager.default.contents(atPath: system) {
            combined.append(roots)
            combined.append(0x0A)
        }
        combined.append(user)
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("autoconf-ca-\(getpid())-\(UUID().uuidString.prefix(8)).pem").path
        guard FileManager.default.createFile(atPath: path, contents: combined, attributes: [.posixPermissions: 0o600]) else {
            throw TrustStore.Problem(description: "cannot write the combined CA bundle to \(path)")
        }
        self.path = path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
