/// What the login test found for one configuration: one entry per server tried.
public struct VerificationReport: Sendable, Codable {
    /// The address tested.
    public var email: String
    /// One entry per server tested, incoming first.
    public var servers: [ServerCheck]

    /// A report.
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
    /// Whether the server receives (IMAP, POP3) or sends (SMTP).
    public enum Role: String, Sendable, Codable {
        /// IMAP or POP3.
        case incoming
        /// SMTP.
        case outgoing
    }

    /// Incoming or outgoing.
    public var role: Role
    /// The protocol (`imap`, `pop3`, `smtp`).
    public var type: String
    /// The server's host.
    public var host: String
    /// The port connected to.
    public var port: Int
    /// The security used (`SSL`, `STARTTLS`, `plain`).
    public var socket: String
    /// The connection (and TLS, and STARTTLS) was set up.
    public var connected: Bool
    /// e.g. `TLSv1.3`; nil for plain connections.
    public var tlsVersion: String?
    /// The leaf certificate's subject as OpenSSL prints it, e.g. `CN = imap.example.com`.
    public var certificateSubject: String?
    /// What the server advertised once TLS was up (IMAP CAPABILITY, POP3 CAPA, SMTP EHLO).
    public var capabilities: [String]
    /// How the login went.
    public var authentication: AuthenticationResult
    /// A problem before any login could be tried: connection, TLS, STARTTLS, plaintext refused.
    public var error: String?
    /// Milliseconds this server's test took.
    public var elapsedMs: Double
}

/// The outcome of the logins tried on one server.
public struct AuthenticationResult: Sendable, Codable {
    /// How the login ended.
    public enum Status: String, Sendable, Codable {
        /// A login worked.
        case succeeded
        /// Every login tried was refused.
        case failed
        /// The server (or the configuration) accepts only OAuth2: no password was sent.
        case needsOAuth = "needs-oauth"
        /// Nothing was tried (connection problem, plaintext refused, unsupported protocol).
        case notTried = "not-tried"
    }

    /// How the login ended.
    public var status: Status
    /// The username and mechanism that worked (or, on failure, of the first attempt).
    public var username: String?
    /// The SASL mechanism, or `LOGIN-command` / `USER-PASS` for the protocols' own login commands.
    public var mechanism: String?
    /// The server's own words on failure, e.g. `[ALERT] Application-specific password required`.
    public var serverMessage: String?
    /// Every login tried, in order.
    public var attempts: [LoginAttempt]
    /// When OAuth2 is needed: the provider's OAuth2 metadata, if the configuration has it.
    public var oauth2: OAuth2Settings?

    /// A result.
    public init(status: Status, username: String? = nil, mechanism: String? = nil, serverMessage: String? = nil, attempts: [LoginAttempt] = [], oauth2: OAuth2Settings? = nil) {
        self.status = status
        self.username = username
        self.mechanism = mechanism
        self.serverMessage = serverMessage
        self.attempts = attempts
        self.oauth2 = oauth2
    }
}

/// One login tried: which username and mechanism, and what the server said.
public struct LoginAttempt: Sendable, Codable {
    /// The username sent.
    public var username: String
    /// The SASL mechanism or command used.
    public var mechanism: String
    /// The server accepted it.
    public var succeeded: Bool
    /// The server's reply, sanitized and shortened.
    public var serverMessage: String?
    /// Milliseconds the attempt took.
    public var elapsedMs: Double
}
