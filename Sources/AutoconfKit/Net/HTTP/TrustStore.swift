import CCurl
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Where TLS roots come from. OpenSSL 3 takes ~60 ms to load a full PEM bundle, and libcurl
/// loads CAINFO again for every new connection, all on the one loop thread — so where the system
/// keeps a hashed certificate directory (Debian's /etc/ssl/certs), we use it as CAPATH, from which
/// OpenSSL reads only the issuer it needs, and the user's `--ca-file` as CAINFO beside it. Without
/// such a directory, a private bundle of system roots + the user's file is written instead,
/// because CAINFO alone would drop the system roots.
final class TrustStore: Sendable {
    enum Source: Sendable {
        /// libcurl's built-in defaults.
        case builtIn
        case directory(String, extraFile: String?)
        case bundle(CABundle)
    }

    let source: Source

    init(caFile: String?) throws(HTTPError) {
        if let directory = Self.hashedSystemDirectory() {
            source = .directory(directory, extraFile: caFile)
        } else if let caFile {
            source = .bundle(try CABundle(userFile: caFile))
        } else {
            source = .builtIn
        }
    }

    /// Sets CAINFO/CAPATH on an easy handle.
    func apply(to easy: UnsafeMutableRawPointer, curl: CurlLibrary) -> CURLcode {
        switch source {
        case .builtIn:
            return CURLE_OK
        case .directory(let directory, let extraFile):
            let code = curl.setoptString(easy, CURLOPT_CAPATH, directory)
            guard code == CURLE_OK else { return code }
            // nil switches the built-in bundle off: the directory has the same roots, cheaper.
            return curl.setoptString(easy, CURLOPT_CAINFO, extraFile)
        case .bundle(let bundle):
            return curl.setoptString(easy, CURLOPT_CAINFO, bundle.path)
        }
    }

    /// A directory of `HASH.N` links as c_rehash / update-ca-certificates make them (looked for once).
    static func hashedSystemDirectory() -> String? { systemDirectory }

    private static let systemDirectory: String? = {
        for directory in ["/etc/ssl/certs", "/etc/pki/tls/certs"] {
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
/// deleted with the client.
final class CABundle: Sendable {
    let path: String

    /// Where the system roots live: what this libcurl was built with, else the usual places.
    static func systemBundlePath() -> String? {
        var candidates: [String] = []
        // Without libcurl the usual places still apply (the first request then reports it missing).
        if let curl = try? CurlLibrary.load(), let easy = curl.easyInit() {
            var pointer: UnsafeMutablePointer<CChar>?
            if curl.getinfoString(easy, CURLINFO_CAINFO, &pointer) == CURLE_OK, let pointer {
                candidates.append(String(cString: pointer))
            }
            curl.easyCleanup(easy)
        }
        candidates += ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"]
        return candidates.first { FileManager.default.isReadableFile(atPath: $0) }
    }

    init(userFile: String) throws(HTTPError) {
        guard let user = FileManager.default.contents(atPath: userFile) else {
            throw .protocolError("--ca-file \(userFile): cannot read the file")
        }
        var combined = Data()
        if let system = Self.systemBundlePath(), let roots = FileManager.default.contents(atPath: system) {
            combined.append(roots)
            combined.append(0x0A)
        }
        combined.append(user)
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("autoconf-ca-\(getpid())-\(UUID().uuidString.prefix(8)).pem").path
        guard FileManager.default.createFile(atPath: path, contents: combined, attributes: [.posixPermissions: 0o600]) else {
            throw .protocolError("cannot write the combined CA bundle to \(path)")
        }
        self.path = path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
