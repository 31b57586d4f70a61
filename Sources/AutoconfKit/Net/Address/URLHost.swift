import CCurl

/// The host (and scheme and port) a URL names, decided by libcurl's own URL parser
/// (curl_url_get), the parser of the client that connects: `127.0.0.0x1`, `0177.0.0.1` come back
/// as the `127.0.0.1` curl would dial, `%42` is decoded as curl decodes it, and
/// `outloo#.office365.com` is `outloo`. Every decision on a URL's host (redirect refusals and
/// targets, cross-domain marks, Microsoft 365 tenants, `--resolve` pins, the registrable domain
/// shown in the report and in JSON) goes through here, so no two parsers can disagree. Hosts are
/// lowercase A-labels (IDNA), what Hostname and the Public Suffix List see on the wire.
/// Everything is nil for text curl refuses, or when libcurl cannot be loaded.
///
/// Not here: `URLCheck`, the syntax check for URLs inside documents (documentation links and
/// the like, read by offline lookups too), which must not load libcurl; no host it sees is used
/// to decide anything.
public enum URLHost {
    /// What a request to a URL connects to.
    package struct Target: Sendable, Hashable {
        /// Lowercase.
        package var scheme: String
        /// Lowercase A-labels, IPv6 without brackets.
        package var host: String
        /// The URL's port, else the scheme's default.
        package var port: Int
        /// True when the URL carries a user name or password.
        package var hasCredentials: Bool
    }

    /// The host curl would connect to for `url` (A-labels, IPv6 without brackets), or nil when it is not a usable URL.
    public static func of(_ url: String) -> String? { parse(url)?.host }

    package static func parse(_ url: String) -> Target? {
        withHandle(url) { curl, handle in target(curl, handle) }
    }

    /// A redirect's `Location` resolved against the URL that sent it (RFC 3986 reference
    /// resolution, by curl) and the target it names.
    package static func resolve(_ reference: String, against base: String) -> (url: String, target: Target)? {
        withHandle(base) { curl, handle in
            guard curl.urlSet(handle, CURLUPART_URL, reference, 0) == CURLUE_OK,
                  let url = part(curl, handle, CURLUPART_URL), let target = target(curl, handle) else { return nil }
            return (url, target)
        }
    }

    /// The host for messages and the text report: curl's, else (libcurl not installed, so no
    /// request is made either) the text between `://` and the next `/`, `:` or `?`.
    package static func reportHost(_ url: String) -> String? {
        if let host = of(url) { return host }
        guard let start = url.firstRange(of: "://")?.upperBound else { return nil }
        let host = url[start...].prefix { $0 != "/" && $0 != ":" && $0 != "?" }
        return host.isEmpty ? nil : String(host)
    }

    /// `reportHost`, else the URL itself.
    package static func display(_ url: String) -> String { reportHost(url) ?? url }

    private static func withHandle<T>(_ url: String, _ body: (CurlLibrary, OpaquePointer) -> T?) -> T? {
        guard let curl = try? CurlLibrary.load(), let handle = curl.urlNew() else { return nil }
        defer { curl.urlCleanup(handle) }
        guard curl.urlSet(handle, CURLUPART_URL, url, 0) == CURLUE_OK else { return nil }
        return body(curl, handle)
    }

    private static func target(_ curl: CurlLibrary, _ handle: OpaquePointer) -> Target? {
        guard let scheme = part(curl, handle, CURLUPART_SCHEME)?.lowercased(),
              let raw = part(curl, handle, CURLUPART_HOST)?.lowercased(), !raw.isEmpty,
              let portText = part(curl, handle, CURLUPART_PORT, flags: UInt32(CURLU_DEFAULT_PORT)), let port = Int(portText)
        else { return nil }
        var host = IPAddress.unbracketed(raw)
        if !host.utf8.allSatisfy({ $0 < 0x80 }), case .success(let ascii) = IDNA.toASCII(host) { host = ascii.lowercased() }
        let credentials = part(curl, handle, CURLUPART_USER) != nil || part(curl, handle, CURLUPART_PASSWORD) != nil
        return Target(scheme: scheme, host: host, port: port, hasCredentials: credentials)
    }

    private static func part(_ curl: CurlLibrary, _ handle: OpaquePointer, _ which: CURLUPart, flags: UInt32 = 0) -> String? {
        var out: UnsafeMutablePointer<CChar>?
        guard curl.urlGet(handle, which, &out, flags) == CURLUE_OK, let out else { return nil }
        defer { curl.free(out) }
        return String(cString: out)
    }
}
