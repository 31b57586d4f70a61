import Foundation

/// IMAP/POP3/SMTP banner servers on 127.0.0.1 (Tests/Servers/mail_server.py) for one test, with
/// certificates from a test CA.
public final class MailTestServer: @unchecked Sendable {
    public struct Listener: Sendable {
        public enum TLS: String, Sendable { case implicit, starttls, plain }
        public var name: String
        public var protocolName: String
        public var tls: TLS
        public var auth: Bool
        public var delayMilliseconds: Int
        /// IMAP only: announce the capabilities in the greeting and refuse CAPABILITY (Dovecot style).
        public var greetingCapabilities: Bool

        public init(_ name: String, _ protocolName: String, _ tls: TLS, auth: Bool = true, delayMilliseconds: Int = 0, greetingCapabilities: Bool = false) {
            self.name = name
            self.protocolName = protocolName
            self.tls = tls
            self.auth = auth
            self.delayMilliseconds = delayMilliseconds
            self.greetingCapabilities = greetingCapabilities
        }
    }

    public let process: ServerProcess

    private init(_ process: ServerProcess) { self.process = process }

    /// Every listener uses one certificate for `names`, issued by `ca`.
    public static func start(_ listeners: [Listener], names: [String], ca: TestCA = .shared, validity: (notBefore: Date, notAfter: Date)? = nil) async throws -> MailTestServer {
        try await offThePool {
            let (certificate, key) = try validity.map { try ca.issue(names, notBefore: $0.notBefore, notAfter: $0.notAfter) } ?? ca.issue(names)
            let specs: [[String: Any]] = listeners.map {
                ["name": $0.name, "protocol": $0.protocolName, "tls": $0.tls.rawValue, "cert": certificate, "key": key,
                 "auth": $0.auth, "delay_ms": $0.delayMilliseconds, "greeting_capabilities": $0.greetingCapabilities]
            }
            let file = TestPaths.temporaryDirectory("mail").appendingPathComponent("mail.json")
            try JSONSerialization.data(withJSONObject: ["listeners": specs]).write(to: file)
            return MailTestServer(try .python("mail_server.py", [file.path]))
        }
    }

    public func port(_ name: String) -> Int { process.port(name) }

    public func stop() { process.stop() }
}
