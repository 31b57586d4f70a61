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

    private func openssl(_ arguments: [String]) throws {
        let result = try runCommand("openssl", arguments)
        guard result.status == 0 else { throw ServerError("openssl \(arguments.first ?? ""): \(result.stderr)") }
    }
}
