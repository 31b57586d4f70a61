/// The DNS records a zone needs so that mail clients find a domain's published settings: the
/// RFC 6186 / RFC 8314 service records for every protocol (a `.` target for those not offered,
/// so clients stop guessing), and the names the autoconfig and Autodiscover clients ask.
package struct ZoneRecords: Sendable {
    package struct Record: Sendable, Hashable {
        package var name: String
        package var type: String
        package var data: String

        package init(name: String, type: String, data: String) {
            self.name = name
            self.type = type
            self.data = data
        }
    }

    package var domain: String
    package var ttl: Int
    package var records: [Record]
    /// Things the records cannot say (per-user hostnames, plain-text servers, missing publisher).
    package var notes: [String]

    /// Service names by protocol and TLS mode. Plain-text and STARTTLS share a name (RFC 6186);
    /// implicit TLS has its own (RFC 8314).
    static func service(_ server: Server) -> String? {
        let implicit = server.socketType == .ssl
        switch server.type {
        case .imap: return implicit ? "_imaps._tcp" : "_imap._tcp"
        case .pop3: return implicit ? "_pop3s._tcp" : "_pop3._tcp"
        case .smtp: return implicit ? "_submissions._tcp" : "_submission._tcp"
        default: return nil
        }
    }

    static let allServices = ["_imaps._tcp", "_imap._tcp", "_pop3s._tcp", "_pop3._tcp", "_submissions._tcp", "_submission._tcp"]

    /// `publisher`: the host that runs `autoconf serve --publish` for this domain (nil: the
    /// autoconfig and Autodiscover names are described in a note instead).
    package init(configuration: EmailConfiguration, domain: String, publisher: String?, ttl: Int = 3600) {
        self.domain = domain
        self.ttl = ttl
        var services: [String: [Record]] = [:]
        var notes: [String] = []
        let fqdn = { (name: String) in name.hasSuffix(".") ? name : name + "." }
        // Hostnames may use %EMAILDOMAIN%, which the domain fills in; any other placeholder makes
        // the host differ per user, which DNS cannot say.
        var priorities: [String: Int] = [:]
        for server in configuration.incoming + configuration.outgoing {
            guard let service = Self.service(server), let template = server.hostname else { continue }
            let hostname = template.replacingTokens([("%EMAILDOMAIN%", domain)]).lowercased()
            if hostname.contains("%") {
                notes.append("\(server.type) server \(template) differs per user: no SRV record can name it")
                continue
            }
            guard let port = server.port ?? server.type.standardPort(for: server.socketType ?? .ssl) else { continue }
            if server.socketType == .plain {
                notes.append("\(service).\(domain) names \(hostname):\(port) without TLS: RFC 8314 clients refuse it")
            }
            // File order is preference order: priorities 0, 10, 20… within a service.
            let priority = priorities[service, default: 0]
            priorities[service] = priority + 10
            services[service, default: []].append(Record(name: "\(service).\(domain).", type: "SRV", data: "\(priority) 1 \(port) \(fqdn(hostname))"))
        }
        var records: [Record] = []
        for service in Self.allServices {
            records += services[service] ?? [Record(name: "\(service).\(domain).", type: "SRV", data: "0 0 0 .")]
        }
        if let publisher {
            let target = fqdn(publisher.lowercased())
            records.append(Record(name: "autoconfig.\(domain).", type: "CNAME", data: target))
            records.append(Record(name: "autodiscover.\(domain).", type: "CNAME", data: target))
            records.append(Record(name: "_autodiscover._tcp.\(domain).", type: "SRV", data: "0 1 443 \(target)"))
        } else {
            notes.append("point autoconfig.\(domain) and autodiscover.\(domain) at the host running 'autoconf serve --publish' (--publisher HOST prints those records)")
        }
        notes.append("https://\(domain)/.well-known/autoconfig/mail/config-v1.1.xml is asked of the domain's own web server: proxy it to the publisher")
        self.records = records
        self.notes = notes
    }

    /// Zone-file syntax (RFC 1035 master file), names fully qualified, aligned.
    package var zoneText: String {
        let width = records.map(\.name.count).max() ?? 0
        var lines = ["; mail client setup records for \(domain), made by autoconf publish dns"]
        for record in records {
            let padded = record.name + String(repeating: " ", count: width - record.name.count)
            lines.append("\(padded) \(ttl) IN \(record.type.padding(5)) \(record.data)")
        }
        lines += notes.map { "; note: \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }
}

private extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
