import CCurl

/// The host a URL names, decided by libcurl's own URL parser (curl_url_get CURLUPART_HOST), the
/// parser of the client that connects: `127.0.0.0x1`, `0177.0.0.1` come back as the `127.0.0.1`
/// curl would dial, `%42` is decoded as curl decodes it, and `outloo#.office365.com` is `outloo`.
/// Every security decision on a URL's host (redirect refusals, cross-domain marks, Microsoft 365
/// tenants, the text report) goes through here, so no two parsers can disagree. Lowercased, and
/// in A-labels (IDNA) so that Hostname and the Public Suffix List see what goes on the wire.
/// nil for anything curl refuses to parse, or when libcurl cannot be loaded.
public enum URLHost {
    public static func of(_ url: String) -> String? {
        guard let curl = try? CurlLibrary.load(), let handle = curl.urlNew() else { return nil }
        defer { curl.urlCleanup(handle) }
        guard curl.urlSet(handle, CURLUPART_URL, url, 0) == CURLUE_OK else { return nil }
        var out: UnsafeMutablePointer<CChar>?
        guard curl.urlGet(handle, CURLUPART_HOST, &out, 0) == CURLUE_OK, let out else { return nil }
        defer { curl.free(out) }
        let host = String(cString: out).lowercased()
        guard !host.isEmpty else { return nil }
        if host.utf8.allSatisfy({ $0 < 0x80 }) { return host }
        guard case .success(let ascii) = IDNA.toASCII(host) else { return host }
        return ascii.lowercased()
    }
}
