/// The protocol a server speaks. Unknown values from a document are kept, not dropped, so a newer
/// provider file still round-trips through an older autoconf.
public enum ServerType: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A protocol autoconf knows: IMAP, POP3, JMAP, Exchange Web Services, ActiveSync, Microsoft Graph, SMTP.
    case imap, pop3, jmap, ews, activeSync, graph, smtp
    /// Any other value, kept verbatim.
    case unknown(String)

    /// The protocol a document's value names (case-insensitive; `pop` and `exchange` too), or `.unknown`.
    public init(rawValue: String) {
        switch rawValue.lowercased() {
        case "imap": self = .imap
        case "pop3", "pop": self = .pop3
        case "jmap": self = .jmap
        case "ews", "exchange": self = .ews
        case "activesync": self = .activeSync
        case "graph": self = .graph
        case "smtp": self = .smtp
        default: self = .unknown(rawValue)
        }
    }

    /// The document's spelling.
    public var rawValue: String {
        switch self {
        case .imap: "imap"
        case .pop3: "pop3"
        case .jmap: "jmap"
        case .ews: "ews"
        case .activeSync: "activesync"
        case .graph: "graph"
        case .smtp: "smtp"
        case .unknown(let value): value
        }
    }

    /// The document's spelling.
    public var description: String { rawValue }

    /// False for `.unknown` values.
    public var isKnown: Bool {
        if case .unknown = self { return false }
        return true
    }

    /// Protocols that send mail themselves, so a configuration using them needs no SMTP server.
    public var submitsMail: Bool {
        switch self {
        case .jmap, .ews, .activeSync, .graph: true
        default: false
        }
    }

    /// Protocols addressed by a URL rather than host and port.
    public var isURLBased: Bool {
        switch self {
        case .jmap, .ews, .activeSync, .graph: true
        default: false
        }
    }

    /// The standard port for a socket type, where the protocol has one (RFC 8314 for implicit TLS).
    public func standardPort(for socket: SocketType) -> Int? {
        switch (self, socket) {
        case (.imap, .ssl): 993
        case (.imap, _): 143
        case (.pop3, .ssl): 995
        case (.pop3, _): 110
        case (.smtp, .ssl): 465
        case (.smtp, _): 587
        default: nil
        }
    }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
