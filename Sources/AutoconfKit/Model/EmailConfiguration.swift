/// One configuration as a config-v1.1/1.2 document describes it: the provider, its ordered
/// incoming and outgoing servers, and everything else the document says.
public struct EmailConfiguration: Sendable, Hashable, Codable {
    /// The document's `emailProvider id`, usually the provider's main domain.
    public var providerID: String?
    /// Every domain the document covers.
    public var domains: [String]
    /// The provider's name for display.
    public var displayName: String?
    /// A short form of the name.
    public var displayShortName: String?
    /// Ordered: the first is the preferred server, the rest are alternatives.
    public var incoming: [Server]
    /// Ordered like `incoming`: the first SMTP server is preferred.
    public var outgoing: [Server]
    /// How to get an OAuth2 token, when the provider documents it.
    public var oauth2: OAuth2Settings?
    /// Links for the user: documentation, "enable IMAP first", app passwords.
    public var instructions: [Instruction]
    /// The provider's webmail, if given.
    public var webmailURL: String?
    /// Address book, calendar and file services, kept so the document round-trips.
    public var collaboration: [CollaborationService]

    /// A configuration; every part is optional.
    public init(
        providerID: String? = nil, domains: [String] = [], displayName: String? = nil, displayShortName: String? = nil,
        incoming: [Server] = [], outgoing: [Server] = [], oauth2: OAuth2Settings? = nil,
        instructions: [Instruction] = [], webmailURL: String? = nil, collaboration: [CollaborationService] = []
    ) {
        self.providerID = providerID
        self.domains = domains
        self.displayName = displayName
        self.displayShortName = displayShortName
        self.incoming = incoming
        self.outgoing = outgoing
        self.oauth2 = oauth2
        self.instructions = instructions
        self.webmailURL = webmailURL
        self.collaboration = collaboration
    }

    /// An incoming server plus, unless that protocol submits mail itself, an outgoing one.
    public var isUsable: Bool {
        let known = incoming.filter(\.type.isKnown)
        guard !known.isEmpty else { return false }
        return known.contains(where: \.type.submitsMail) || !outgoing.isEmpty
    }

    /// The explanation of a provider that offers no standard protocol (Proton, Tuta).
    public var unsupportedExplanation: Instruction? { instructions.first { $0.kind == .unsupported } }

    /// Reorders incoming servers so the preferred protocol comes first, keeping the document's
    /// order otherwise. IMAP is preferred over POP3 unless the caller asks for POP3.
    public func preferring(_ preferred: ServerType) -> EmailConfiguration {
        var copy = self
        let hasIMAP = incoming.contains { $0.type == .imap }
        let hasPOP = incoming.contains { $0.type == .pop3 }
        // Servers of protocols we do not know go last, whatever the document's order.
        copy.incoming = incoming.filter(\.type.isKnown) + incoming.filter { !$0.type.isKnown }
        guard hasIMAP && hasPOP, preferred == .imap || preferred == .pop3 else { return copy }
        let other: ServerType = preferred == .imap ? .pop3 : .imap
        // Stable partition: preferred protocol's servers first, then the other, then the rest in order.
        copy.incoming = copy.incoming.filter { $0.type == preferred } + copy.incoming.filter { $0.type == other }
            + copy.incoming.filter { $0.type != preferred && $0.type != other }
        return copy
    }
}
