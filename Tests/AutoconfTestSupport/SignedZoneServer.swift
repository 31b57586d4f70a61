import Foundation

/// A DNSSEC-signed zone on a real authoritative server, for one test: nsd_server.py makes keys
/// with ldns-keygen, signs the zone with ldns-signzone and serves it with nsd on 127.0.0.1 (a free
/// port). `anchor` is a trust-anchor file with the zone's DS record (what `--trust-anchor` takes);
/// `wrongAnchor` holds the DS of a key that signed nothing. autoconf reaches the zone by using the
/// server as its forwarder (`--dns-server`): libunbound asks it for the records, the DNSKEY set
/// and the signatures, and validates them from the anchor.
public final class SignedZoneServer: @unchecked Sendable {
    public let process: ServerProcess
    public let origin: String
    /// `127.0.0.1:PORT`, the form `--dns-server` takes.
    public var address: String { "127.0.0.1:\(process.port())" }
    public var anchor: String { process.info["anchor"] as? String ?? "" }
    public var wrongAnchor: String { process.info["wrongAnchor"] as? String ?? "" }

    private init(_ process: ServerProcess, origin: String) {
        self.process = process
        self.origin = origin
    }

    /// `records`: master-file lines, names relative to `origin` (SOA, NS and `ns1` are added), e.g.
    /// `_imaps._tcp IN SRV 0 1 993 imap`. `tamper`: an owner name whose signatures are corrupted
    /// after signing (validation of its RRsets fails: bogus). `unsignedChild`: a label whose
    /// subdomain is delegated without DS and served unsigned with the same records (an insecure
    /// delegation: a real unsigned domain under a signed parent).
    public static func start(origin: String, records: [String], tamper: String? = nil, unsignedChild: String? = nil) async throws -> SignedZoneServer {
        try await offThePool {
            let file = TestPaths.temporaryDirectory("zone").appendingPathComponent("records")
            try (records.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
            let arguments = [origin, file.path] + (tamper.map { ["--tamper", $0] } ?? []) + (unsignedChild.map { ["--unsigned-child", $0] } ?? [])
            return SignedZoneServer(try .python("nsd_server.py", arguments), origin: origin)
        }
    }

    public func stop() { process.stop() }
}
