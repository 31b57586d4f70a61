/// What the login test found for one configuration: one entry per server tried.
public struct VerificationReport: Sendable, Codable {
    public var email: String
    public var servers: [ServerCheck]

    public init(email: String, servers: [ServerCheck]) {
        self.email = email
        self.servers = servers
    }

    /// Every server tested accepted the login.
    public var succeeded: Bool { !servers.isEmpty && servers.allSatisfy { $0.authentication.status == .succeeded } }
    /// At least one server can only be used with OAuth2 (no password test was made there).
    public var needsOAuth: Bool { servers.contains { $0.authentication.status == .needsOAuth } }
}

/// One server's result: the connection, the TLS session, what the server offers, and the login.
public struct ServerCheck: Sendable, Codable {
    public enum Role: String, Sendable, Codable { case incoming, outgoing }

    public var role: Role
    public var type: String
    public var host: String
    public var port: Int
    public var socket: String
    public var connected: Bool
    /// e.g. `TLSv1.3`; nil for plain connections.
    public var tlsVersion: String?
    /// The leaf certificate's subject as OpenSSL prints it, e.g. `CN = imap.example.com`.
    public var certificateSubject: String?
    /// What the server advertised once TLS was up (IMAP CAPABILITY, POP3 CAPA, SMTP EHLO).
    public var capabilities: [String]
    public var authentication: AuthenticationResult
    /// A problem before any login could be tried: connection, TLS, STARTTLS, plaintext refused.
    public var error: String?
    public var elapsedMs: Double
}

public struct AuthenticationResult: Sendable, Codable {
    public enum Status: String, Sendable, Codable {
        case succeeded
        case failed
        /// The server (or the configuration) accepts only OAuth2: no password was sent.
        case needsOAuth = "needs-oauth"
        /// Nothing was tried (connection problem, plaintext refused, unsupported protocol).
        case notTried = "not-tried"
    }

    public var status: Status
    /// The username and mechanism that worked (or, on failure, of the first attempt).
    public var username: String?
    /// The SASL mechanism, or `LOGIN-command` / `USER-PASS` for the protocols' own login commands.
    public var mechanism: String?
    /// The server's own words on failure, e.g. `[ALERT] Application-specific password required`.
    public var serverMessage: String?
    public var attempts: [LoginAttempt]
    /// When OAuth2 is needed: the provider's OAuth2 metadata, if the configuration has it.
    public var oauth2: OAuth2Settings?

    public init(status: Status, username: String? = nil, mechanism: String? = nil, serverMessage: String? = nil, attempts: [LoginAttempt] = [], oauth2: OAuth2Settings? = nil) {
        self.status = status
        self.username = username
        self.mechanism = mechanism
        self.serverMessage = serverMessage
        self.attempts = attempts
        self.oauth2 = oauth2
    }
}

public struct LoginAttempt: Sendable, Codable {
    public var username: String
    public var mechanism: String
    public var succeeded: Bool
    public var serverMessage: String?
    public var elapsedMs: Double
}
