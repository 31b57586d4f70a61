import AutoconfKit
import Foundation

/// `Tests/Servers/login_server.py` for one test: IMAP, POP3 and SMTP with implicit-TLS and
/// STARTTLS listeners on 127.0.0.1, a certificate from the suite's CA for `hostname`, the given
/// accounts, and a log of every credential received (with whether TLS was up).
public final class LoginServer: @unchecked Sendable {
    public let process: ServerProcess
    public let hostname: String
    public let logFile: URL

    public init(hostname: String = "mail.login.test", accounts: [String: String], options: [String] = []) throws {
        self.hostname = hostname
        let (certificate, key) = try TestCA.shared.issue([hostname])
        logFile = TestPaths.temporaryDirectory("login").appendingPathComponent("logins.jsonl")
        var arguments = ["--cert", certificate, "--key", key, "--log", logFile.path]
        for (user, password) in accounts.sorted(by: { $0.key < $1.key }) { arguments += ["--account", "\(user):\(password)"] }
        process = try ServerProcess.python("login_server.py", arguments + options)
    }

    /// Starts the server off the cooperative pool: starting it blocks (openssl, waiting for READY),
    /// which inside an async test would stall every other test running at the same time.
    public static func start(hostname: String = "mail.login.test", accounts: [String: String], options: [String] = []) async throws -> LoginServer {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try LoginServer(hostname: hostname, accounts: accounts, options: options) })
            }
        }
    }

    /// Ports by listener: imaps, imap, pop3s, pop3, smtps, smtp.
    public func port(_ listener: String) -> Int { process.port(listener) }

    /// curl `--resolve` lines pointing `hostname` at 127.0.0.1 for every listener.
    public var resolve: [String] {
        ["imaps", "imap", "pop3s", "pop3", "smtps", "smtp"].map { "\(hostname):\(port($0)):127.0.0.1" }
    }

    /// Every login attempt the server saw.
    public var logins: [[String: Any]] { entries.filter { $0["command"] == nil } }

    /// Every IMAP command line the server read (tag and command word).
    public var imapCommands: [[String: Any]] { entries.filter { $0["command"] != nil } }

    private var entries: [[String: Any]] {
        guard let text = try? String(contentsOf: logFile, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// A configuration for this server: incoming and outgoing as asked.
    public func configuration(
        imap: SocketType? = .ssl, pop3: SocketType? = nil, smtp: SocketType? = .ssl, username: String = "%EMAILADDRESS%",
        authentication: [AuthenticationMethod] = [.passwordCleartext], email: EmailAddress
    ) -> EmailConfiguration {
        func server(_ type: ServerType, _ socket: SocketType, implicit: String, starttls: String) -> Server {
            Server(type: type, hostname: hostname, port: port(socket == .ssl ? implicit : starttls), socketType: socket,
                   authentication: authentication.map { Authentication($0) }, username: username)
        }
        var incoming: [Server] = []
        if let imap { incoming.append(server(.imap, imap, implicit: "imaps", starttls: "imap")) }
        if let pop3 { incoming.append(server(.pop3, pop3, implicit: "pop3s", starttls: "pop3")) }
        let outgoing = smtp.map { [server(.smtp, $0, implicit: "smtps", starttls: "smtp")] } ?? []
        let configuration = EmailConfiguration(domains: [email.domain], incoming: incoming, outgoing: outgoing)
        return Placeholders(email: email).expand(configuration)
    }

    deinit { process.stop() }
}
