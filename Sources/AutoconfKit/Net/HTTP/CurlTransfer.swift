import CCurl
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One request on one curl easy handle (`CurlEasyHandle` owns the handle, its lists and error
/// buffer, and frees them after the multi loop has removed the handle). Body and header callbacks
/// run on the loop thread only; so does `complete`, which resumes the waiting task exactly once.
final class CurlTransfer: CurlEasyHandle, @unchecked Sendable {
    let request: HTTPRequest
    /// Keeps a combined CA file alive while curl may read it.
    private let trustStore: TrustStore

    // Loop thread only.
    private var body: [UInt8] = []
    private var headers: [String: String] = [:]
    private var exceededLimit = false
    private var completed = false
    // Set before submission; read by the loop thread after it takes the transfer.
    var continuation: CheckedContinuation<Result<HTTPResponse, HTTPError>, Never>?
    /// Guarded by the loop's lock.
    var cancelRequested = false

    init(request: HTTPRequest, configuration: HTTPClientConfiguration, trustStore: TrustStore, curl: CurlLibrary) throws(HTTPError) {
        let url = request.url
        guard url.lowercased().hasPrefix("https://") || url.lowercased().hasPrefix("http://") else { throw .invalidURL(url) }
        if url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value >= 0x7F }) { throw .invalidURL(url) }
        self.request = request
        self.trustStore = trustStore
        do throws(SetupError) {
            try super.init(curl: curl)
            try configure(configuration)
        } catch {
            throw .protocolError(error.description)
        }
    }

    private func configure(_ configuration: HTTPClientConfiguration) throws(SetupError) {
        try check(curl.setoptString(easy, CURLOPT_URL, request.url), "the URL")
        try configureCommon(trustStore: trustStore, total: request.timeout, connect: configuration.connectTimeout)
        // Redirects are followed by RedirectFollower, hop by hop, so each one is checked.
        try check(curl.setoptLong(easy, CURLOPT_FOLLOWLOCATION, 0), "FOLLOWLOCATION")
        try check(curl.setoptString(easy, CURLOPT_PROTOCOLS_STR, "http,https"), "PROTOCOLS_STR")
        try check(curl.setoptString(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"), "REDIR_PROTOCOLS_STR")
        try check(curl.setoptLong(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS)), "HTTP_VERSION")
        try check(curl.setoptString(easy, CURLOPT_USERAGENT, configuration.userAgent), "USERAGENT")
        // Servers may compress; libcurl decodes, and the size cap applies to the decoded body.
        try check(curl.setoptString(easy, CURLOPT_ACCEPT_ENCODING, ""), "ACCEPT_ENCODING")
        // Refuses early when Content-Length already says too much; the write callback catches the rest.
        try check(curl.setoptOff(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(request.maximumBodySize)), "MAXFILESIZE")

        switch request.method {
        case .get: break
        case .head: try check(curl.setoptLong(easy, CURLOPT_NOBODY, 1), "NOBODY")
        case .post:
            let body = request.body ?? []
            try check(curl.setoptOff(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)), "POSTFIELDSIZE")
            // COPYPOSTFIELDS: curl keeps its own copy, so the Swift array may go away.
            // (A trailing NUL so even an empty body has a valid address; the size above excludes it.)
            var bytes = body + [0]
            let code = bytes.withUnsafeMutableBytes { curl.setoptPointer(easy, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) }
            try check(code, "POST body")
        }

        var headerLines = request.headers.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
        // No "Expect: 100-continue" round trip for small POST bodies.
        if request.method == .post && request.headers.keys.contains(where: { $0.lowercased() == "expect" }) == false {
            headerLines.append("Expect:")
        }
        for line in headerLines where line.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw SetupError(description: "header contains a line break: \(line.prefix(40))")
        }
        try setList(CURLOPT_HTTPHEADER, headerLines, "HTTPHEADER")
        // Addresses found by autoconf's own resolver are pinned for this request (a user's own
        // --resolve entry for the host and port wins); libcurl gets lines written from parsed rules.
        var overrides = configuration.overrides
        if let addresses = request.addresses, let target = URLHost.parse(request.url) {
            overrides = overrides.pinning(host: target.host, port: target.port, to: addresses)
        }
        try setList(CURLOPT_RESOLVE, overrides.curlResolve, "RESOLVE")
        try setList(CURLOPT_CONNECT_TO, overrides.curlConnectTo, "CONNECT_TO")

        let me = Unmanaged.passUnretained(self).toOpaque()
        try check(curl.setoptWriteCallback(easy, CURLOPT_WRITEFUNCTION, curlWriteCallback), "WRITEFUNCTION")
        try check(curl.setoptPointer(easy, CURLOPT_WRITEDATA, me), "WRITEDATA")
        try check(curl.setoptHeaderCallback(easy, curlHeaderCallback), "HEADERFUNCTION")
        try check(curl.setoptPointer(easy, CURLOPT_HEADERDATA, me), "HEADERDATA")
    }

    /// Returning less than `count` makes curl abort the transfer with CURLE_WRITE_ERROR.
    fileprivate func receiveBody(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard let data, count > 0 else { return 0 }
        if body.count + count > request.maximumBodySize {
            exceededLimit = true
            return 0
        }
        data.withMemoryRebound(to: UInt8.self, capacity: count) { body.append(contentsOf: UnsafeBufferPointer(start: $0, count: count)) }
        return count
    }

    fileprivate func receiveHeader(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard let data, count > 0 else { return count }
        let line = data.withMemoryRebound(to: UInt8.self, capacity: count) { String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self) }
        if line.hasPrefix("HTTP/") {
            // A new response starts (after 100 Continue or a proxy's CONNECT reply): forget the old headers.
            headers = [:]
            return count
        }
        guard let colon = line.firstIndex(of: ":") else { return count }
        let name = line[..<colon].trimmingWhitespace().lowercased()
        let value = line[line.index(after: colon)...].trimmingWhitespaceAndNewlines()
        guard !name.isEmpty else { return count }
        headers[name] = headers[name].map { "\($0), \(value)" } ?? value
        return count
    }

    /// Called once, on the loop thread, after the handle left the multi handle.
    func complete(_ code: CURLcode) {
        guard !completed else { return }
        completed = true
        resume(code == CURLE_OK ? .success(response()) : .failure(error(for: code)))
    }

    func cancel() {
        guard !completed else { return }
        completed = true
        resume(.failure(.cancelled))
    }

    private func resume(_ result: Result<HTTPResponse, HTTPError>) {
        let waiting = continuation
        continuation = nil
        waiting?.resume(returning: result)
    }

    private func response() -> HTTPResponse {
        var status = 0
        _ = curl.getinfoLong(easy, CURLINFO_RESPONSE_CODE, &status)
        var verifyResult = -1
        _ = curl.getinfoLong(easy, CURLINFO_SSL_VERIFYRESULT, &verifyResult)
        let https = request.url.lowercased().hasPrefix("https://")
        return HTTPResponse(status: status, headers: headers, body: body, url: request.url, tlsVerified: https && verifyResult == 0)
    }

    private var host: String { URLHost.display(request.url) }

    private func error(for code: CURLcode) -> HTTPError {
        let detail = errorMessage(code)
        let message = "\(host): \(detail.trimmingWhitespaceAndNewlines())"
        switch code {
        case CURLE_WRITE_ERROR where exceededLimit, CURLE_FILESIZE_EXCEEDED:
            return .tooLarge(request.maximumBodySize)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .resolve(message)
        case CURLE_COULDNT_CONNECT:
            return .connect(message)
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout(message)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE,
             CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE,
             CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND:
            return .tls(message)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidURL(request.url)
        case CURLE_ABORTED_BY_CALLBACK:
            return .cancelled
        default:
            return .protocolError(message)
        }
    }
}

// C callbacks: `user` is the transfer, which the multi loop keeps alive while the handle is active.
private let curlWriteCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { data, size, count, user in
    guard let user else { return 0 }
    return Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue().receiveBody(data, size * count)
}

private let curlHeaderCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { data, size, count, user in
    guard let user else { return 0 }
    return Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue().receiveHeader(data, size * count)
}
