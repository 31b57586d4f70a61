/// The hosts and ports the probe plugin tries, in preference order: `imap.D`, `mail.D`, `pop3.D`,
/// `pop.D`, `D` for incoming mail and `smtp.D`, `mail.D`, `D` for outgoing, on 993/143, 995/110
/// and 465/587 (25 last). Implicit TLS comes before STARTTLS on every host (RFC 8314).
struct ProbePlan: Sendable {
    struct Entry: Sendable {
        var target: MailProbeTarget
        var hostIndex: Int
        var portIndex: Int
        var outgoing: Bool
    }

    var entries: [Entry]
    var hosts: [String]

    init(domain: String) {
        let imap: [(Int, SocketType)] = [(993, .ssl), (143, .startTLS)]
        let pop: [(Int, SocketType)] = [(995, .ssl), (110, .startTLS)]
        let smtp: [(Int, SocketType)] = [(465, .ssl), (587, .startTLS), (25, .startTLS)]
        let incoming: [(String, [(ServerType, [(Int, SocketType)])])] = [
            ("imap.\(domain)", [(.imap, imap)]),
            ("mail.\(domain)", [(.imap, imap), (.pop3, pop)]),
            ("pop3.\(domain)", [(.pop3, pop)]),
            ("pop.\(domain)", [(.pop3, pop)]),
            (domain, [(.imap, imap), (.pop3, pop)]),
        ]
        let outgoing: [(String, [(ServerType, [(Int, SocketType)])])] = [
            ("smtp.\(domain)", [(.smtp, smtp)]),
            ("mail.\(domain)", [(.smtp, smtp)]),
            (domain, [(.smtp, smtp)]),
        ]
        var entries: [Entry] = []
        for (list, isOutgoing) in [(incoming, false), (outgoing, true)] {
            for (hostIndex, (host, protocols)) in list.enumerated() {
                var portIndex = 0
                for (type, ports) in protocols {
                    for (port, security) in ports {
                        entries.append(Entry(
                            target: MailProbeTarget(host: host, port: port, type: type, security: security),
                            hostIndex: hostIndex, portIndex: portIndex, outgoing: isOutgoing))
                        portIndex += 1
                    }
                }
            }
        }
        self.entries = entries
        var hosts: [String] = []
        for entry in entries where !hosts.contains(entry.target.host) { hosts.append(entry.target.host) }
        self.hosts = hosts
    }

    /// Order key, lower is better: validated implicit TLS, validated STARTTLS, then the same with
    /// a certificate that failed, then plain; within a class IMAP before POP3, then host and port
    /// preference. So a server whose certificate failed never beats one whose certificate validated.
    static func key(_ entry: Entry, socket: SocketType, certificateValid: Bool?) -> [Int] {
        let security: Int
        switch (socket, certificateValid) {
        case (.ssl, true?): security = 0
        case (.startTLS, true?): security = 1
        case (.ssl, _): security = 2
        case (.startTLS, _): security = 3
        case (.plain, _): security = 4
        }
        return [security, entry.target.type == .pop3 ? 1 : 0, entry.hostIndex, entry.portIndex]
    }

    /// The best key an entry could still reach (its security, validated).
    static func bestPossibleKey(_ entry: Entry) -> [Int] {
        key(entry, socket: entry.target.security, certificateValid: true)
    }
}
