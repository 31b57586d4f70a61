import Foundation

/// A certificate authority made by the suite with the openssl CLI (EC P-256), and leaf
/// certificates it issues for test hostnames (always also valid for 127.0.0.1 and localhost).
/// Nothing here is trusted by the system: clients under test get `caFile` explicitly.
public final class TestCA: @unchecked Sendable {
    public let directory: URL
    public let name: String
    public var caFile: String { directory.appendingPathComponent("ca.pem").path }
    private let lock = NSLock()

    /// The suite's trusted test CA, made once per test process.
    public static let shared: TestCA = try! TestCA(name: "autoconf-test-ca")
    /// A second CA that no client is told to trust (for "untrusted certificate" cases).
    public static let rogue: TestCA = try! TestCA(name: "autoconf-rogue-ca")

    public init(name: String) throws {
        self.name = name
        directory = TestPaths.temporaryDirectory(name)
        let key = directory.appendingPathComponent("ca.key").path
        try openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key])
        try openssl(["req", "-x509", "-new", "-key", key, "-sha256", "-days", "30", "-subj", "/CN=\(name)",
                     "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                     "-out", caFile])
    }

    /// Issues (or reuses) a certificate for `names`; returns (certificate chain path, key path).
    public func issue(_ names: [String]) throws -> (certificate: String, key: String) {
        lock.lock()
        defer { lock.unlock() }
        let label = names.joined(separator: "_").replacingOccurrences(of: "*", with: "star")
        let certificate = directory.appendingPathComponent("\(label).pem").path
        let key = directory.appendingPathComponent("\(label).key").path
        if FileManager.default.fileExists(atPath: certificate) { return (certificate, key) }
        let request = directory.appendingPathComponent("\(label).csr").path
        let extensions = directory.appendingPathComponent("\(label).ext").path
        let sans = (names.map { "DNS:\($0)" } + ["DNS:localhost", "IP:127.0.0.1"]).joined(separator: ",")
        try "subjectAltName=\(sans)\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n".write(toFile: extensions, atomically: true, encoding: .utf8)
        try openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key])
        try openssl(["req", "-new", "-key", key, "-subj", "/CN=\(names.first ?? "localhost")", "-out", request])
        try openssl(["x509", "-req", "-in", request, "-CA", caFile, "-CAkey", directory.appendingPathComponent("ca.key").path,
                     "-CAcreateserial", "-days", "30", "-sha256", "-extfile", extensions, "-out", certificate])
        return (certificate, key)
    }

    /// Issues a certificate for `names` valid from `notBefore` to `notAfter` (e.g. one that
    /// expires in three days, or expired yesterday), with `openssl ca`, which, unlike
    /// `openssl x509` in OpenSSL 3.0, takes explicit dates.
    public func issue(_ names: [String], notBefore: Date, notAfter: Date) throws -> (certificate: String, key: String) {
        lock.lock()
        defer { lock.unlock() }
        func stamp(_ date: Date) -> String {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyyMMddHHmmss'Z'"
            return formatter.string(from: date)
        }
        let label = names.joined(separator: "_").replacingOccurrences(of: "*", with: "star") + "-\(stamp(notBefore))-\(stamp(notAfter))"
        let certificate = directory.appendingPathComponent("\(label).pem").path
        let key = directory.appendingPathComponent("\(label).key").path
        if FileManager.default.fileExists(atPath: certificate) { return (certificate, key) }
        let work = directory.appendingPathComponent("ca-\(label)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let index = work.appendingPathComponent("index.txt").path
        FileManager.default.createFile(atPath: index, contents: nil)
        let sans = (names.map { "DNS:\($0)" } + ["DNS:localhost", "IP:127.0.0.1"]).joined(separator: ",")
        let config = work.appendingPathComponent("ca.cnf").path
        try """
            [ca]
            default_ca = test
            [test]
            database = \(index)
            new_certs_dir = \(work.path)
            serial = \(work.appendingPathComponent("serial").path)
            default_md = sha256
            policy = anything
            unique_subject = no
            copy_extensions = none
            x509_extensions = leaf
            [anything]
            commonName = supplied
            [leaf]
            subjectAltName = \(sans)
            basicConstraints = CA:FALSE
            extendedKeyUsage = serverAuth
            """.write(toFile: config, atomically: true, encoding: .utf8)
        try String(format: "%016llX\n", UInt64.random(in: 1...UInt64(Int64.max))).write(toFile: work.appendingPathComponent("serial").path, atomically: true, encoding: .utf8)
        let request = work.appendingPathComponent("leaf.csr").path
        try openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key])
        try openssl(["req", "-new", "-key", key, "-subj", "/CN=\(names.first ?? "localhost")", "-out", request])
        try openssl(["ca", "-batch", "-config", config, "-cert", caFile, "-keyfile", directory.appendingPathComponent("ca.key").path, "-notext",
                     "-startdate", stamp(notBefore), "-enddate", stamp(notAfter), "-in", request, "-out", certificate])
        return (certificate, key)
    }

    private func openssl(_ arguments: [String]) throws {
        let result = try runCommand("openssl", arguments)
        guard result.status == 0 else { throw ServerError("openssl \(arguments.first ?? ""): \(result.stderr)") }
    }
}
