import AutoconfKit
import Foundation
import Hummingbird

/// The fields of a lookup, from the query string (GET) or a JSON body (POST): the CLI's options
/// of the same names. Unknown fields are ignored.
struct LookupParameters: Decodable, Sendable {
    var email: String?
    var offline: Bool?
    var plugins: PluginList?
    var timeout: Double?
    var prefer: String?
    /// Ignore a cached answer, look up again and cache the new one (`--refresh`).
    var refresh: Bool?
    var realName: String?
    // Manual settings ("more settings"): what is given wins, the rest is discovered.
    var imap: String?
    var pop3: String?
    var smtp: String?
    var security: String?
    var username: String?

    /// `"a,b"` or `["a", "b"]`.
    struct PluginList: Decodable, Sendable {
        var names: [String]
        init(names: [String]) { self.names = names }
        init(_ text: String) { names = text.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty } }
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) { self.init(text) } else { self.init(names: try container.decode([String].self)) }
        }
    }

    static let fields = ["email", "offline", "plugins", "timeout", "prefer", "refresh", "realName", "imap", "pop3", "smtp", "security", "username"]

    /// From `?email=…&offline=1…`.
    static func from(query: Request) throws(APIError) -> LookupParameters {
        let query = query.uri.queryParameters
        func text(_ name: String) -> String? { query[name[...]].map(String.init) }
        func flag(_ name: String) throws(APIError) -> Bool? {
            guard let value = text(name)?.lowercased() else { return nil }
            switch value {
            case "", "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default: throw APIError(.badRequest, "\(name) must be true or false")
            }
        }
        var parameters = LookupParameters()
        parameters.email = text("email")
        parameters.offline = try flag("offline")
        parameters.refresh = try flag("refresh")
        parameters.plugins = text("plugins").map(PluginList.init)
        if let timeout = text("timeout") {
            guard let seconds = Double(timeout), seconds.isFinite else { throw APIError(.badRequest, "timeout must be a number of seconds") }
            parameters.timeout = seconds
        }
        parameters.prefer = text("prefer")
        parameters.realName = text("realName")
        parameters.imap = text("imap")
        parameters.pop3 = text("pop3")
        parameters.smtp = text("smtp")
        parameters.security = text("security")
        parameters.username = text("username")
        return parameters
    }

    /// From a JSON object body.
    static func from(json data: ByteBuffer) throws(APIError) -> LookupParameters {
        try decodeBody(LookupParameters.self, data)
    }
}

/// A JSON body as `T`, or a 400 that names the field at fault — never the value (a password).
func decodeBody<T: Decodable>(_ type: T.Type, _ data: ByteBuffer) throws(APIError) -> T {
    do {
        return try JSONDecoder().decode(T.self, from: Data(data.readableBytesView))
    } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
        let field = context.codingPath.map(\.stringValue).joined(separator: ".")
        throw APIError(.badRequest, field.isEmpty ? "the body must be a JSON object" : "the field '\(field.prefix(60))' has the wrong type")
    } catch {
        throw APIError(.badRequest, "the body is not valid JSON")
    }
}

extension LookupParameters {
    /// The fields checked, with the service's deadline rules: what every lookup path starts from.
    struct Checked {
        var email: EmailAddress
        var timeout: Duration
        var preferred: ServerType
        var manual: ManualSettings
    }

    /// Bad values are the CLI's one-line messages.
    func checked(defaultTimeout: Duration, maxTimeout: Duration) throws(APIError) -> Checked {
        guard let address = email, !address.isEmpty else { throw APIError(.badRequest, "give an email address (the email field)") }
        let email: EmailAddress
        do { email = try EmailAddress(address) } catch { throw APIError(.badRequest, AutoconfError.invalidAddress(address, error).description) }
        let maxSeconds = Double(maxTimeout.components.seconds)
        var timeout = defaultTimeout
        if let seconds = self.timeout {
            guard seconds > 0, seconds <= maxSeconds else {
                throw APIError(.badRequest, "timeout must be between 0 and \(Int(maxSeconds)) seconds (the server's limit)")
            }
            timeout = .milliseconds(Int64(seconds * 1000))
        }
        let preferred = (prefer ?? "imap").lowercased()
        guard ["imap", "pop3"].contains(preferred) else { throw APIError(.badRequest, "prefer must be imap or pop3") }
        let manual: ManualSettings
        do {
            manual = try ManualSettings.parse(
                imap: imap, pop3: pop3, smtp: smtp, security: security, username: username,
                fieldNames: ["imap": "imap", "pop3": "pop3", "smtp": "smtp", "security": "security", "username": "username"])
        } catch {
            throw APIError(.badRequest, error.description)
        }
        if let realName, realName.count > 200 { throw APIError(.badRequest, "realName is longer than 200 characters") }
        return Checked(email: email, timeout: timeout, preferred: ServerType(rawValue: preferred), manual: manual)
    }

    /// Whether a cached answer could be used as it is stored: no refresh, no manual settings and
    /// no real name (both are applied to the answer per request).
    func answersFromStoredEntry(_ checked: Checked) -> Bool {
        refresh != true && realName == nil && checked.manual.isEmpty
    }

    /// The options these fields set, on the service's own.
    func apply(_ checked: Checked, to options: inout AutoconfOptions) {
        options.timeout = checked.timeout
        // Unset fields keep the server's own settings.
        options.offline = offline ?? options.offline
        options.plugins = plugins?.names ?? options.plugins
        options.preferredIncoming = checked.preferred
        options.manual = checked.manual
        options.realName = realName
        options.cache = refresh == true ? .refresh : options.cache
    }

    /// The lookup these fields ask for, on `base` (the service's shared instance).
    func autoconf(base: Autoconf, checked: Checked) throws(APIError) -> Autoconf {
        let autoconf = base.withLookupOptions { apply(checked, to: &$0) }
        // Unknown plugin names and the like: the same message the CLI prints.
        do { _ = try autoconf.resolver() } catch { throw APIError(.badRequest, error.description) }
        return autoconf
    }
}
