import Foundation

/// A DNS server on 127.0.0.1 for one test: dnsmasq with the given configuration lines (records for
/// `*.test` names; every other `.test` name is NXDOMAIN), or one of the stubs in dns_stub.py (a
/// server that never answers, or one that sets the DNSSEC AD bit). Each test starts its own, so
/// tests run in parallel without sharing state.
public final class DNSTestServer: @unchecked Sendable {
    public let process: ServerProcess
    /// `127.0.0.1:PORT`, the form `--dns-server` takes.
    public var address: String { "127.0.0.1:\(process.port())" }
    public var port: Int { process.port() }

    /// The file `queries()` reads (servers started with `logging: true`).
    public let queryLog: URL?

    private init(_ process: ServerProcess, queryLog: URL? = nil) {
        self.process = process
        self.queryLog = queryLog
    }

    /// Every query the server received so far, as "TYPE NAME" (the type's number: 1 A, 15 MX,
    /// 33 SRV, 48 DNSKEY…; "." for the root), in arrival order.
    public func queries() -> [String] {
        guard let queryLog, let text = try? String(contentsOf: queryLog, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init)
    }

    /// dnsmasq with lines such as `mx-host=example.test,mx.example.test,10`,
    /// `srv-host=_imaps._tcp.example.test,imap.example.test,993,0,1`, `txt-record=…`,
    /// `host-record=imap.example.test,127.0.0.1`.
    public static func dnsmasq(_ lines: [String]) async throws -> DNSTestServer {
        try await offThePool { try startDnsmasq(lines) }
    }

    private static func startDnsmasq(_ lines: [String]) throws -> DNSTestServer {
        let directory = TestPaths.temporaryDirectory("dnsmasq")
        let config = directory.appendingPathComponent("dnsmasq.conf")
        // local=/test/: dnsmasq answers every .test name itself (NXDOMAIN when it has no record)
        // and never forwards; the readiness probe asks for ready.test.
        let text = (["local=/test/", "host-record=ready.test,127.0.0.1"] + lines).joined(separator: "\n") + "\n"
        try text.write(to: config, atomically: true, encoding: .utf8)
        return DNSTestServer(try .python("dnsmasq_server.py", [config.path]))
    }

    /// A resolver that reads queries and never answers.
    public static func silent() async throws -> DNSTestServer {
        try await offThePool { DNSTestServer(try .python("dns_stub.py", ["silent"])) }
    }

    /// A resolver that answers from `zone` with the AD bit set (DNSSEC-authenticated data).
    /// Zone: name → type ("A", "AAAA", "MX", "SRV", "TXT") → values (see dns_stub.py).
    public static func signed(_ zone: [String: [String: [Any]]]) async throws -> DNSTestServer {
        try await zoneServer(zone, mode: ["signed"])
    }

    /// A resolver `milliseconds` away: answers from `zone` (no AD bit), each query after that
    /// delay on its own timer, as a resolver across a real network would.
    /// With `logging`, `queries()` lists what it was asked.
    public static func delayed(milliseconds: Int, _ zone: [String: [String: [Any]]], logging: Bool = false) async throws -> DNSTestServer {
        try await zoneServer(zone, mode: ["delayed", String(milliseconds)], logging: logging)
    }

    private static func zoneServer(_ zone: [String: [String: [Any]]], mode: [String], logging: Bool = false) async throws -> DNSTestServer {
        let data = try JSONSerialization.data(withJSONObject: zone)
        return try await offThePool {
            let directory = TestPaths.temporaryDirectory("dnszone")
            let file = directory.appendingPathComponent("zone.json")
            try data.write(to: file)
            let log = logging ? directory.appendingPathComponent("queries.log") : nil
            let arguments = (log.map { ["--log", $0.path] } ?? []) + mode + [file.path]
            return DNSTestServer(try .python("dns_stub.py", arguments), queryLog: log)
        }
    }

    public func stop() { process.stop() }
}
