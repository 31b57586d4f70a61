import AutoconfKit
#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The options object of `autoconf_new`: the long options of `autoconf lookup` without their
/// dashes, so one vocabulary serves the CLI and the C API, and the library's messages (which name
/// the CLI's options) read right for both. Values are checked here only for their JSON type and,
/// for seconds and directories, their range; everything else is checked by
/// `AutoconfOptions.problem()`, `ManualSettings.parse` and the plugin registry, as for the CLI.
enum OptionsJSON {
    /// An options document larger than this is refused unread.
    static let maximumSize = 1 << 20

    static let keys: [String] = [
        "timeout", "offline", "plugins", "providers", "user-providers", "prefer", "https-only", "real-name",
        "dns-server", "trust-resolver-ad", "ca-file", "resolve", "connect-to", "ispdb-url", "office365-url",
        "http-timeout", "cache", "refresh", "cache-dir", "imap", "pop3", "smtp", "security", "username",
    ]

    struct Failure: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    /// Parses and checks `text` (nil or empty: the defaults). The library's defaults, not the
    /// CLI's: no user provider directory, no cache, and no environment at all, so nothing is read
    /// from the user's home unless asked.
    static func options(from text: String?) throws(Failure) -> AutoconfOptions {
        var options = AutoconfOptions(readsUserDirectory: false, environment: [:])
        guard let text, !text.allSatisfy(\.isWhitespace) else { return options }
        guard text.utf8.count <= maximumSize else { throw Failure("the options are larger than 1 MiB") }
        let object: [String: JSONValue]
        do {
            object = try JSONDecoder().decode([String: JSONValue].self, from: Data(text.utf8))
        } catch {
            throw Failure("the options are not a JSON object: \(oneLine(error))")
        }
        let reader = Reader(object: object)
        for key in object.keys.sorted() where !keys.contains(key) {
            throw Failure("unknown option '\(key.prefix(80))' (known: \(keys.joined(separator: ", ")))")
        }
        if let seconds = try reader.number("timeout") {
            guard seconds > 0, seconds <= 600 else { throw Failure("--timeout must be between 0 and 600 seconds") }
            options.timeout = .milliseconds(Int64(seconds * 1000))
        }
        if let seconds = try reader.number("http-timeout") {
            guard seconds > 0, seconds <= 600 else { throw Failure("--http-timeout must be between 0 and 600 seconds") }
            options.httpTimeout = .milliseconds(Int64(seconds * 1000))
        }
        options.offline = try reader.bool("offline") ?? false
        options.plugins = try reader.strings("plugins", splittingCommas: true)
        options.providerDirectories = try reader.strings("providers") ?? []
        for directory in options.providerDirectories {
            var info = stat()
            guard stat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
                throw Failure("--providers \(directory.prefix(200)): not a directory")
            }
        }
        if try reader.bool("user-providers") == true {
            options.readsUserDirectory = true
            options.environment = ProcessInfo.processInfo.environment
        }
        if let prefer = try reader.string("prefer") {
            guard ["imap", "pop3"].contains(prefer.lowercased()) else { throw Failure("--prefer must be imap or pop3") }
            options.preferredIncoming = ServerType(rawValue: prefer.lowercased())
        }
        options.httpsOnly = try reader.bool("https-only") ?? false
        options.realName = try reader.string("real-name")
        options.dnsServers = try reader.strings("dns-server") ?? []
        options.trustResolverAD = try reader.bool("trust-resolver-ad") ?? false
        options.caFile = try reader.string("ca-file")
        options.resolve = try reader.strings("resolve") ?? []
        options.connectTo = try reader.strings("connect-to") ?? []
        options.ispdbBaseURL = try reader.string("ispdb-url") ?? options.ispdbBaseURL
        options.office365BaseURL = try reader.string("office365-url") ?? options.office365BaseURL
        if let problem = options.problem() { throw Failure(problem) }

        let cache = try reader.bool("cache") ?? false
        let refresh = try reader.bool("refresh") ?? false
        options.cache = refresh ? .refresh : cache ? .use : .off
        if let directory = try reader.string("cache-dir") {
            options.cacheDirectory = directory
        } else if options.cache != .off {
            // The cache was asked for without a directory: the CLI's, under $XDG_CACHE_HOME.
            options.environment = ProcessInfo.processInfo.environment
        }
        let imap = try reader.string("imap"), pop3 = try reader.string("pop3"), smtp = try reader.string("smtp")
        let security = try reader.string("security"), username = try reader.string("username")
        do {
            options.manual = try ManualSettings.parse(
                imap: imap, pop3: pop3, smtp: smtp, security: security, username: username,
                fieldNames: ["imap": "--imap", "pop3": "--pop3", "smtp": "--smtp", "security": "--security", "username": "--username"])
        } catch {
            throw Failure(error.description)
        }
        return options
    }

    /// The first line of an error's description, at most 200 characters.
    static func oneLine(_ error: any Error) -> String {
        let text: String
        if let decoding = error as? DecodingError, case .dataCorrupted(let context) = decoding {
            text = context.debugDescription
        } else {
            text = String(describing: error)
        }
        return String((text.split(whereSeparator: \.isNewline).first ?? "").prefix(200))
    }

    struct Reader {
        let object: [String: JSONValue]

        func value(_ key: String) -> JSONValue? {
            guard let value = object[key], value != .null else { return nil }
            return value
        }

        func number(_ key: String) throws(Failure) -> Double? {
            guard let value = value(key) else { return nil }
            guard case .number(let number) = value else { throw Failure("option '\(key)' must be a number of seconds") }
            return number
        }

        func bool(_ key: String) throws(Failure) -> Bool? {
            guard let value = value(key) else { return nil }
            guard case .bool(let flag) = value else { throw Failure("option '\(key)' must be true or false") }
            return flag
        }

        func string(_ key: String) throws(Failure) -> String? {
            guard let value = value(key) else { return nil }
            guard case .string(let text) = value else { throw Failure("option '\(key)' must be a string") }
            return text
        }

        /// An array of strings; a plain string counts as one element (or, with `splittingCommas`,
        /// as the CLI's comma-separated list).
        func strings(_ key: String, splittingCommas: Bool = false) throws(Failure) -> [String]? {
            guard let value = value(key) else { return nil }
            let elements: [String]
            switch value {
            case .string(let text): elements = splittingCommas ? text.split(separator: ",").map(String.init) : [text]
            case .array(let array):
                elements = try array.map { (element) throws(Failure) -> String in
                    guard case .string(let text) = element else { throw Failure("option '\(key)' must be an array of strings") }
                    return text
                }
            default: throw Failure("option '\(key)' must be an array of strings")
            }
            return splittingCommas ? elements.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty } : elements
        }
    }
}

/// Any JSON value, for reading the options object key by key with messages of our own.
enum JSONValue: Decodable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let flag = try? container.decode(Bool.self) { self = .bool(flag) }
        else if let number = try? container.decode(Double.self) { self = .number(number) }
        else if let text = try? container.decode(String.self) { self = .string(text) }
        else if let array = try? container.decode([JSONValue].self) { self = .array(array) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }
}
