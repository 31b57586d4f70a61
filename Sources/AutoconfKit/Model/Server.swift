/// One incoming or outgoing server of a configuration: hostname + port, or a URL for protocols
/// addressed that way (JMAP, EWS, ActiveSync, Graph).
public struct Server: Sendable, Hashable, Codable {
    /// The protocol (IMAP, POP3, SMTP, or a URL-based one).
    public var type: ServerType
    /// The host (lowercase A-labels); nil for URL-based protocols.
    public var hostname: String?
    /// The port; nil when the document gives none.
    public var port: Int?
    /// The URL, for protocols addressed by one (JMAP, EWS, ActiveSync, Graph).
    public var url: String?
    /// How the connection is secured; nil when the document gives none.
    public var socketType: SocketType?
    /// Ordered, most preferred first.
    public var authentication: [Authentication]
    /// The login name; nil when the document gives none (never the string "undefined").
    public var username: String?
    /// Protocol-specific settings kept for round-tripping, e.g. POP3 `leaveMessagesOnServer`.
    public var extras: [String: String]

    /// A server; only the type is required.
    public init(
        type: ServerType, hostname: String? = nil, port: Int? = nil, url: String? = nil,
        socketType: SocketType? = nil, authentication: [Authentication] = [], username: String? = nil,
        extras: [String: String] = [:]
    ) {
        self.type = type
        self.hostname = hostname
        self.port = port
        self.url = url
        self.socketType = socketType
        self.authentication = authentication
        self.username = username
        self.extras = extras
    }

    /// `host:port`, or the URL, for display and logs.
    public var endpoint: String {
        if let hostname { return port.map { "\(hostname):\($0)" } ?? hostname }
        return url ?? "?"
    }

    /// The authentication methods alone, most preferred first.
    public var authenticationMethods: [AuthenticationMethod] { authentication.map(\.method) }
}

/// A CardDAV/CalDAV (or other) section of a document, kept so it round-trips.
public struct CollaborationService: Sendable, Hashable, Codable {
    /// What the service holds: contacts, calendars or files.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Contacts (CardDAV).
        case addressBook
        /// Calendars (CalDAV).
        case calendar
        /// Files (WebDAV).
        case fileShare
    }
    /// What the service holds.
    public var kind: Kind
    /// The protocol, e.g. `carddav`, `caldav`.
    public var type: String
    /// Where the service is.
    public var url: String?
    /// The login name, if given.
    public var username: String?
    /// Accepted authentication, most preferred first.
    public var authentication: [Authentication]

    /// A service section.
    public init(kind: Kind, type: String, url: String? = nil, username: String? = nil, authentication: [Authentication] = []) {
        self.kind = kind
        self.type = type
        self.url = url
        self.username = username
        self.authentication = authentication
    }
}

/// OAuth2 metadata from the document's `<oAuth2>` block.
public struct OAuth2Settings: Sendable, Hashable, Codable {
    /// Who issues the tokens, e.g. `accounts.google.com`.
    public var issuer: String
    /// The scopes to ask for, space-separated.
    public var scope: String?
    /// The authorization endpoint.
    public var authURL: String?
    /// The token endpoint.
    public var tokenURL: String?
    /// A client ID the provider publishes for mail clients, if any.
    public var clientID: String?

    /// OAuth2 settings; only the issuer is required.
    public init(issuer: String, scope: String? = nil, authURL: String? = nil, tokenURL: String? = nil, clientID: String? = nil) {
        self.issuer = issuer
        self.scope = scope
        self.authURL = authURL
        self.tokenURL = tokenURL
        self.clientID = clientID
    }
}

/// A link with a human-readable description (documentation, "enable IMAP first", app passwords).
public struct Instruction: Sendable, Hashable, Codable {
    /// What the link is for.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// `<documentation url>`: the provider's help page.
        case documentation
        /// `<enable visiturl>`: the user must switch IMAP/POP on before a client can log in.
        case enable
        /// `<appPassword visiturl>` (autoconf extension): password logins need an app password.
        case appPassword
        /// `<unsupported visiturl>` (autoconf extension): no standard protocol is offered.
        case unsupported
    }
    /// What the link is for.
    public var kind: Kind
    /// The page to visit.
    public var url: String?
    /// Texts by language tag; "" is the text without a `lang` attribute.
    public var texts: [String: String]

    /// An instruction.
    public init(kind: Kind, url: String? = nil, texts: [String: String] = [:]) {
        self.kind = kind
        self.url = url
        self.texts = texts
    }

    /// The English (or language-less, or any) text.
    public var text: String? { texts["en"] ?? texts[""] ?? texts.sorted { $0.key < $1.key }.first?.value }
}
