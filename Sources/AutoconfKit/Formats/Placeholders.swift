#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The draft's placeholders, replaced in every field where a document may use them (hostnames,
/// usernames, URLs, display texts), in every alternative server — incoming and outgoing alike.
public struct Placeholders: Sendable {
    package static let all = ["%EMAILADDRESS%", "%EMAILLOCALPART%", "%EMAILDOMAIN%", "%REALNAME%"]

    package let values: [(String, String)]

    /// The values for `email` (and `realName`, else the local part).
    public init(email: EmailAddress, realName: String? = nil) {
        values = [
            ("%EMAILADDRESS%", email.address),
            ("%EMAILLOCALPART%", email.localPart),
            ("%EMAILDOMAIN%", email.domain),
            ("%REALNAME%", realName ?? ""),
        ]
    }

    /// `text` with every placeholder replaced.
    public func expand(_ text: String) -> String {
        text.replacingTokens(values)
    }

    /// Expands a username; an empty result means "no username given" and stays absent.
    package func expandUsername(_ text: String?) -> String? {
        guard let text else { return nil }
        let expanded = expand(text).trimmed
        return expanded.isEmpty ? nil : expanded
    }

    package func expand(_ server: Server) -> Server {
        var copy = server
        copy.hostname = server.hostname.map(expand)
        copy.url = server.url.map(expand)
        copy.username = expandUsername(server.username)
        copy.extras = server.extras.mapValues(expand)
        return copy
    }

    /// `configuration` with every server's hostname, URL and username expanded.
    public func expand(_ configuration: EmailConfiguration) -> EmailConfiguration {
        var copy = configuration
        copy.displayName = configuration.displayName.map(expand)
        copy.displayShortName = configuration.displayShortName.map(expand)
        copy.incoming = configuration.incoming.map(expand)
        copy.outgoing = configuration.outgoing.map(expand)
        copy.webmailURL = configuration.webmailURL.map(expand)
        copy.instructions = configuration.instructions.map { instruction in
            var item = instruction
            item.url = instruction.url.map(expand)
            item.texts = instruction.texts.mapValues(expand)
            return item
        }
        copy.collaboration = configuration.collaboration.map { service in
            var item = service
            item.url = service.url.map(expand)
            item.username = expandUsername(service.username)
            return item
        }
        return copy
    }

    /// A stand-in used to validate hostnames that still contain placeholders (`mail.%EMAILDOMAIN%`).
    static let validationSample: Placeholders = {
        // swiftlint:disable:next force_try
        let sample = try! EmailAddress("user@example.com")
        return Placeholders(email: sample, realName: "User")
    }()
}
