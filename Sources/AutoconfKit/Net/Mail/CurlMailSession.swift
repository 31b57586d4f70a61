import CCurl
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Dispatch

/// The mail protocols the login tester speaks through libcurl.
public enum MailProtocol: String, Sendable, Hashable, Codable {
    case imap, pop3, smtp

    public init?(_ type: ServerType) {
        switch type {
        case .imap: self = .imap
        case .pop3: self = .pop3
        case .smtp: self = .smtp
        default: return nil
        }
    }

    /// The URL scheme for a socket type: implicit TLS has its own scheme, STARTTLS and plain share one.
    func scheme(_ socket: SocketType) -> String { socket == .ssl ? "\(rawValue)s" : rawValue }
}

/// What one connection is asked to do. Without credentials it only connects, upgrades to TLS and
/// reads the capabilities (a probe that sends nothing secret).
struct MailSessionRequest: Sendable {
    var mailProtocol: MailProtocol
    var host: String
    var port: Int
    var security: SocketType
    var username: String?
    var password: Secret?
    /// A SASL mechanism (`PLAIN`, `LOGIN`, `CRAM-MD5`…), or nil to let libcurl choose (which, when
    /// the server lists no SASL mechanism, is IMAP `LOGIN` / POP3 `USER`+`PASS`).
    var mechanism: String?
    var timeout: Duration
    var caFile: String?
    var resolve: [String]
    var connectTo: [String] = []
}

/// What the connection showed. `serverLines` holds only what the server sent: the client's side of
/// the dialogue carries the credential and is never captured.
struct MailSessionOutcome: Sendable {
    var code: CURLcode
    var message: String
    var serverLines: [String]
    var tlsVersion: String?
    var certificateSubject: String?
    var elapsedMilliseconds: Double

    var succeeded: Bool { code == CURLE_OK }
    var loginDenied: Bool { code == CURLE_LOGIN_DENIED }
    /// True once the server said anything: the TCP (and, for implicit TLS, TLS) connection worked.
    var connected: Bool { !serverLines.isEmpty }
}

/// One libcurl easy handle for one connection. It owns every curl pointer it makes (the handle,
/// the resolve list, the error buffer) and frees them in `deinit`. `curl_easy_perform` blocks, so
/// it runs on a Dispatch thread, never on the cooperative pool; cancelling the task aborts the
/// transfer through the progress callback.
final class CurlMailSession: @unchecked Sendable {
    private var easy: UnsafeMutableRawPointer?
    private let curl: CurlLibrary
    private let request: MailSessionRequest
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private static let errorBufferSize = 256  // CURL_ERROR_SIZE
    private let lock = Lock()
    // Written by the curl callbacks on the perform thread, read after perform returns.
    fileprivate var serverLines: [String] = []
    fileprivate var tlsVersion: String?
    fileprivate var partialLine = ""
    private var cancelFlag = false

    init(_ request: MailSessionRequest) throws(VerifyFailure) {
        // Loads libcurl on the first login test (see CurlLibrary); curl_global_init runs there.
        do { curl = try CurlLibrary.load() } catch { throw .failure(error.description) }
        guard let easy = curl.easyInit() else { throw .failure("curl_easy_init failed") }
        self.easy = easy
        self.request = request
        errorBuffer = .allocate(capacity: Self.errorBufferSize)
        errorBuffer.initialize(repeating: 0, count: Self.errorBufferSize)
        try configure()
    }

    deinit {
        if let easy { curl.easyCleanup(easy) }
        for list in lists { curl.slistFreeAll(list) }
        errorBuffer.deallocate()
    }

    var isCancelled: Bool { lock.withLock { cancelFlag } }
    func cancel() { lock.withLock { cancelFlag = true } }

    /// The URL's host part: IPv6 literals in brackets.
    static func urlHost(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }

    private func configure() throws(VerifyFailure) {
        guard let easy else { return }
        func check(_ code: CURLcode, _ what: String) throws(VerifyFailure) {
            if code != CURLE_OK { throw .failure("cannot set \(what): \(curl.easyStrerror(code))") }
        }
        let r = request
        // The host was validated by the caller; refuse anything that could alter the URL anyway.
        if r.host.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value >= 0x7F || "/?#@\\".unicodeScalars.contains($0) }) {
            throw .failure("invalid hostname for a URL")
        }
        let url = "\(r.mailProtocol.scheme(r.security))://\(Self.urlHost(r.host)):\(r.port)/"
        try check(curl.setoptString(easy, CURLOPT_URL, url), "URL")
        try check(curl.setoptString(easy, CURLOPT_PROTOCOLS_STR, "imap,imaps,pop3,pop3s,smtp,smtps"), "PROTOCOLS_STR")
        try check(curl.setoptLong(easy, CURLOPT_NOSIGNAL, 1), "NOSIGNAL")
        try check(curl.setoptLong(easy, CURLOPT_SSL_VERIFYPEER, 1), "SSL_VERIFYPEER")
        try check(curl.setoptLong(easy, CURLOPT_SSL_VERIFYHOST, 2), "SSL_VERIFYHOST")
        // STARTTLS must succeed or the connection ends before any credential: CURLUSESSL_ALL.
        // Plain is only reached when the caller allowed it explicitly.
        let useSSL: curl_usessl = r.security == .plain ? CURLUSESSL_NONE : CURLUSESSL_ALL
        try check(curl.setoptLong(easy, CURLOPT_USE_SSL, Int(useSSL.rawValue)), "USE_SSL")
        if let caFile = r.caFile {
            // CAINFO alone would replace the system roots; CAPATH keeps them, so the file is extra.
            try check(curl.setoptString(easy, CURLOPT_CAINFO, caFile), "CAINFO")
            if FileManager.default.fileExists(atPath: "/etc/ssl/certs") {
                try check(curl.setoptString(easy, CURLOPT_CAPATH, "/etc/ssl/certs"), "CAPATH")
            }
        }
        if !r.resolve.isEmpty {
            var list: UnsafeMutablePointer<curl_slist>?
            for line in r.resolve { list = curl.slistAppend(list, line) }
            if let list { lists.append(list); try check(curl.setoptSlist(easy, CURLOPT_RESOLVE, list), "RESOLVE") }
        }
        if !r.connectTo.isEmpty {
            var list: UnsafeMutablePointer<curl_slist>?
            for line in r.connectTo { list = curl.slistAppend(list, line) }
            if let list { lists.append(list); try check(curl.setoptSlist(easy, CURLOPT_CONNECT_TO, list), "CONNECT_TO") }
        }
        let total = max(1, Int(r.timeout.milliseconds.rounded(.up)))
        try check(curl.setoptLong(easy, CURLOPT_TIMEOUT_MS, total), "TIMEOUT_MS")
        try check(curl.setoptLong(easy, CURLOPT_CONNECTTIMEOUT_MS, total), "CONNECTTIMEOUT_MS")
        try check(curl.setoptLong(easy, CURLOPT_CERTINFO, 1), "CERTINFO")
        // Each server reply (LOGOUT at cleanup included) must come within the same bound.
        try check(curl.setoptLong(easy, CURLOPT_SERVER_RESPONSE_TIMEOUT, max(1, total / 1000)), "SERVER_RESPONSE_TIMEOUT")

        if let username = r.username, let password = r.password {
            try check(curl.setoptString(easy, CURLOPT_USERNAME, username), "USERNAME")
            // libcurl copies the string; our copy is zeroed right after.
            let code = password.withCString { curl.setoptString(easy, CURLOPT_PASSWORD, $0) }
            try check(code, "PASSWORD")
            try check(curl.setoptString(easy, CURLOPT_LOGIN_OPTIONS, "AUTH=\(r.mechanism ?? "*")"), "LOGIN_OPTIONS")
        }
        // After the login, one harmless command: NOOP exists in all three protocols and needs no
        // mailbox; NOBODY makes libcurl read a single reply instead of a listing.
        try check(curl.setoptString(easy, CURLOPT_CUSTOMREQUEST, "NOOP"), "CUSTOMREQUEST")
        if r.mailProtocol != .smtp { try check(curl.setoptLong(easy, CURLOPT_NOBODY, 1), "NOBODY") }

        let me = Unmanaged.passUnretained(self).toOpaque()
        try check(curl.setoptPointer(easy, CURLOPT_ERRORBUFFER, errorBuffer), "ERRORBUFFER")
        // Without a write callback libcurl would print any listing to our stdout.
        try check(curl.setoptWriteCallback(easy, CURLOPT_WRITEFUNCTION, { _, size, count, _ in size * count }), "WRITEFUNCTION")
        try check(curl.setoptLong(easy, CURLOPT_VERBOSE, 1), "VERBOSE")
        try check(curl.setoptDebugCallback(easy, mailDebugCallback), "DEBUGFUNCTION")
        try check(curl.setoptPointer(easy, CURLOPT_DEBUGDATA, me), "DEBUGDATA")
        try check(curl.setoptLong(easy, CURLOPT_NOPROGRESS, 0), "NOPROGRESS")
        try check(curl.setoptXferinfoCallback(easy, mailProgressCallback), "XFERINFOFUNCTION")
        try check(curl.setoptPointer(easy, CURLOPT_XFERINFODATA, me), "XFERINFODATA")
    }

    /// Runs the connection to its end on a Dispatch thread.
    func perform() async -> MailSessionOutcome {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<MailSessionOutcome, Never>) in
                DispatchQueue.global().async { continuation.resume(returning: self.performBlocking()) }
            }
        } onCancel: {
            cancel()
        }
    }

    private func performBlocking() -> MailSessionOutcome {
        let start = ContinuousClock.now
        guard let easy else { return MailSessionOutcome(code: CURLE_FAILED_INIT, message: "already used", serverLines: [], elapsedMilliseconds: 0) }
        let code = isCancelled ? CURLE_ABORTED_BY_CALLBACK : curl.easyPerform(easy)
        let detail = String(cString: errorBuffer)
        let message = detail.isEmpty ? curl.easyStrerror(code) : detail
        let subject = certificateSubject(easy)
        let lines = serverLines
        // Cleanup may still talk to the server (LOGOUT, QUIT): here on this thread, not in deinit
        // on whichever thread drops the last reference, and with the debug callback detached.
        _ = curl.setoptLong(easy, CURLOPT_VERBOSE, 0)
        curl.easyCleanup(easy)
        self.easy = nil
        return MailSessionOutcome(
            code: code, message: message.trimmingWhitespaceAndNewlines(), serverLines: lines,
            tlsVersion: tlsVersion, certificateSubject: subject,
            elapsedMilliseconds: (ContinuousClock.now - start).milliseconds)
    }

    /// The leaf certificate's subject from CURLINFO_CERTINFO ("Subject:CN = …").
    private func certificateSubject(_ easy: UnsafeMutableRawPointer) -> String? {
        var info: UnsafeMutablePointer<curl_certinfo>?
        guard curl.getinfoCertinfo(easy, &info) == CURLE_OK, let info, info.pointee.num_of_certs > 0,
              var item = info.pointee.certinfo?[0]
        else { return nil }
        while true {
            if let data = item.pointee.data {
                let line = String(cString: data)
                if line.hasPrefix("Subject:") { return line.dropFirst("Subject:".count).trimmingWhitespace() }
            }
            guard let next = item.pointee.next else { return nil }
            item = next
        }
    }

    /// Server lines (CURLINFO_HEADER_IN) and the TLS version from libcurl's own notes. Nothing the
    /// client sends (HEADER_OUT, DATA_OUT, SSL data) is ever looked at.
    fileprivate func debug(_ type: curl_infotype, _ text: String) {
        switch type {
        case CURLINFO_HEADER_IN:
            partialLine += text
            // "\r\n" is one Character in Swift: look for either.
            while let newline = partialLine.firstIndex(where: { $0 == "\n" || $0 == "\r\n" }) {
                let line = partialLine[..<newline].trimmingWhitespaceAndNewlines()
                partialLine = String(partialLine[partialLine.index(after: newline)...])
                if !line.isEmpty && serverLines.count < 500 { serverLines.append(String(line.prefix(1000))) }
            }
        case CURLINFO_TEXT:
            // "SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384"
            if let range = text.firstRange(of: "SSL connection using ") {
                let rest = text[range.upperBound...]
                tlsVersion = String(rest.prefix { $0 != " " && $0 != "/" && $0 != "\n" })
            }
        default: break
        }
    }
}

private func mailDebugCallback(_: UnsafeMutableRawPointer?, _ type: curl_infotype, _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ user: UnsafeMutableRawPointer?) -> Int32 {
    guard let data, let user, size > 0 else { return 0 }
    // Only these two kinds are decoded at all: the others may carry the credential.
    guard type == CURLINFO_HEADER_IN || type == CURLINFO_TEXT else { return 0 }
    let session = Unmanaged<CurlMailSession>.fromOpaque(user).takeUnretainedValue()
    let text = data.withMemoryRebound(to: UInt8.self, capacity: size) { String(decoding: UnsafeBufferPointer(start: $0, count: size), as: UTF8.self) }
    session.debug(type, text)
    return 0
}

private func mailProgressCallback(_ user: UnsafeMutableRawPointer?, _: curl_off_t, _: curl_off_t, _: curl_off_t, _: curl_off_t) -> Int32 {
    guard let user else { return 0 }
    return Unmanaged<CurlMailSession>.fromOpaque(user).takeUnretainedValue().isCancelled ? 1 : 0
}
