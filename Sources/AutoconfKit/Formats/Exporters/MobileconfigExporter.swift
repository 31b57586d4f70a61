#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An Apple configuration profile (`.mobileconfig`) with one `com.apple.mail.managed` payload, as
/// iOS and macOS Mail install it. It is an XML property list built as an element tree and
/// serialized by libxml2 (`XMLSerializer`), which escapes every value; the password is left out,
/// so Mail asks for it when the profile is installed.
enum MobileconfigExporter {
    static func export(_ account: ExportAccount, uuids: () -> UUID = UUID.init) throws(ExportError) -> ExportedFile {
        let check = ExportValue(format: "mobileconfig")
        guard let incoming = account.incoming([.imap, .pop3]) else { throw check.fail("incoming server", "Apple Mail needs an IMAP or POP3 server") }
        guard let smtp = account.smtp else { throw check.fail("outgoing server", "Apple Mail needs an SMTP server") }
        let address = try check.text(account.email.address, field: "address")
        var mail: [(String, XMLElement)] = [
            ("EmailAccountDescription", string(address)),
            ("EmailAccountType", string(incoming.type == .pop3 ? "EmailTypePOP" : "EmailTypeIMAP")),
            ("EmailAddress", string(address)),
            ("IncomingMailServerAuthentication", string(authentication(incoming))),
            ("IncomingMailServerHostName", string(try check.hostname(incoming.hostname, field: "incoming hostname"))),
            ("IncomingMailServerPortNumber", integer(try check.port(incoming.port, field: "incoming port"))),
            ("IncomingMailServerUseSSL", bool(incoming.socketType != .plain)),
            ("IncomingMailServerUsername", string(try check.text(account.username(incoming), field: "incoming username"))),
            ("OutgoingMailServerAuthentication", string(authentication(smtp))),
            ("OutgoingMailServerHostName", string(try check.hostname(smtp.hostname, field: "outgoing hostname"))),
            ("OutgoingMailServerPortNumber", integer(try check.port(smtp.port, field: "outgoing port"))),
            ("OutgoingMailServerUseSSL", bool(smtp.socketType != .plain)),
            ("OutgoingMailServerUsername", string(try check.text(account.username(smtp), field: "outgoing username"))),
            ("OutgoingPasswordSameAsIncomingPassword", bool(true)),
        ]
        if let realName = account.realName, !realName.isEmpty {
            mail.append(("EmailAccountName", string(try check.text(realName, field: "real name"))))
        }
        let identifier = "org.autoconf.mail." + account.safeName.map { $0 == "@" ? "." : $0 }.map(String.init).joined()
        mail += [
            ("PayloadDisplayName", string("Mail (\(address))")),
            ("PayloadIdentifier", string(identifier + ".account")),
            ("PayloadType", string("com.apple.mail.managed")),
            ("PayloadUUID", string(uuids().uuidString)),
            ("PayloadVersion", integer(1)),
        ]
        let profile: [(String, XMLElement)] = [
            ("PayloadContent", XMLElement(name: "array", children: [dict(mail)])),
            ("PayloadDescription", string("Mail settings for \(address), found by autoconf")),
            ("PayloadDisplayName", string(address)),
            ("PayloadIdentifier", string(identifier)),
            ("PayloadRemovalDisallowed", bool(false)),
            ("PayloadType", string("Configuration")),
            ("PayloadUUID", string(uuids().uuidString)),
            ("PayloadVersion", integer(1)),
        ]
        let root = XMLElement(name: "plist", attributes: ["version": "1.0"], children: [dict(profile)])
        var document = XMLSerializer.serialize(root)
        // libxml2 writes the XML declaration first; the plist DOCTYPE goes right after it.
        let doctype = "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
        if let end = document.firstRange(of: "?>\n") { document.insert(contentsOf: doctype, at: end.upperBound) }
        return ExportedFile(suggestedPath: "\(account.safeName).mobileconfig", contents: document)
    }

    static func authentication(_ server: Server) -> String {
        let methods = server.authenticationMethods
        if methods.first == .passwordEncrypted { return "EmailAuthCRAMMD5" }
        if methods.first == .ntlm { return "EmailAuthNTLM" }
        return "EmailAuthPassword"
    }

    static func dict(_ entries: [(String, XMLElement)]) -> XMLElement {
        XMLElement(name: "dict", children: entries.flatMap { [XMLElement(name: "key", text: $0.0), $0.1] })
    }

    static func string(_ value: String) -> XMLElement { XMLElement(name: "string", text: value) }
    static func integer(_ value: Int) -> XMLElement { XMLElement(name: "integer", text: String(value)) }
    static func bool(_ value: Bool) -> XMLElement { XMLElement(name: value ? "true" : "false") }
}
