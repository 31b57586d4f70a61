/// One incoming or outgoing server of a configuration: hostname + port, or a URL for protocols
/// addressed that way (JMAP, EWS, ActiveSync, Graph).
public struct Server: Sendable, Hashable, Codable {
    public var type: ServerType
    public var hostname: String?
    public var port: Int?
    public var url: String?
    public var socketType: SocketType?
    /// Ordered, most preferred first.
    public var authentication: [Authentication]
    /// The login name; nil when the document gives none (never the string "undefined").
    public var username: String?
    /// Protocol-specific settings kept for round-tripping, e.g. POP3 `leaveMessagesOnServer`.
    public var extras: [String: String]

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

    public var authenticationMethods: [AuthenticationMethod] { authentication.map(\.method) }
}

/// A CardDAV/CalDAV (or other) section of a document, kept so it round-trips.
public struct CollaborationService: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable { case addressBook, calendar, fileShare }
    public var kind: Kind
    public var type: String
    public var url: String?
    public var username: String?
    public var authentication: [Authentication]

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
    public var issuer: String
    public var scope: String?
    public var authURL: String?
    public var tokenURL: String?
    public var clientID: String?

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
    public var kind: Kind
    public var url: String?
    /// Texts by language tag; "" is the text without a `lang` attribute.
    public var texts: [String: String]

    public init(kind: Kind, url: String? = nil, texts: [String: String] = [:]) {
        self.kind = kind
        self.url = url
        self.texts = texts
    }

    /// The English (or language-less, or any) text.
    public var text: String? { texts["en"] ?? texts[""] ?? texts.sorted { $0.key < $1.key }.first?.value }
}
