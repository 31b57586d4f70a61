import CCurl
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Dispatch

/// The mail protocols the login tester speaks through libcurl.
package enum MailProtocol: String, Sendable, Hashable, Codable {
    case imap, pop3, smtp

    package init?(_ type: ServerType) {
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

/// How a mail session ended, in autoconf's terms (libcurl's codes stay inside Net/).
enum MailSessionStatus: Sendable, Equatable {
    case succeeded
    case loginDenied
    /// The server answered a command with a refusal or something unexpected after connecting.
    case refused
    /// STARTTLS was refused or not offered: libcurl stopped before sending any credential.
    case startTLSFailed
    case cancelled
    case timedOut
    case certificateRejected
    /// Anything else (connect, resolve, TLS setup…): the message says what.
    case failed

    init(_ code: CURLcode) {
        switch code {
        case CURLE_OK: self = .succeeded
        case CURLE_LOGIN_DENIED: self = .loginDenied
        case CURLE_WEIRD_SERVER_REPLY, CURLE_QUOTE_ERROR, CURLE_REMOTE_ACCESS_DENIED: self = .refused
        case CURLE_USE_SSL_FAILED: self = .startTLSFailed
        case CURLE_ABORTED_BY_CALLBACK: self = .cancelled
        case CURLE_OPERATION_TIMEDOUT: self = .timedOut
        case CURLE_PEER_FAILED_VERIFICATION: self = .certificateRejected
        default: self = .failed
        }
    }
}

/// What the connection showed. `serverLines` holds only what the server sent: the client's side of
/// the dialogue carries the credential and is never captured.
struct MailSessionOutcome: Sendable {
    var status: MailSessionStatus
    var message: String
    var serverLines: [String]
    var tlsVersion: String?
    var certificateSubject: String?
    var elapsedMilliseconds: Double
    var cancelled: Bool

    var succeeded: Bool { status == .succeeded }
    var loginDenied: Bool { status == .loginDenied }
    /// True once the server said anything: the TCP (and, for implicit TLS, TLS) connection worked.
    var connected: Bool { !serverLines.isEmpty }
}

/// One libcurl easy handle for one connection (`CurlEasyHandle` owns the handle, its lists and
/// error buffer). `curl_easy_perform` blocks, so it runs on a Dispatch thread, never on the
/// cooperative pool; cancelling the task aborts the transfer through the progress callback.
final class CurlMailSession: CurlEasyHandle, @unchecked Sendable {
    private let request: MailSessionRequest
    private let lock = Lock()
    // Written by the curl callbacks on the perform thread, read after perform returns.
    fileprivate var serverLines: [String] = []
    fileprivate var tlsVersion: String?
    fileprivate var partialLine = ""
    private var cancelFlag = false

    init(_ request: MailSessionRequest) throws(VerifyFailure) {
        self.request = request
        do throws(SetupError) {
            // Loads libcurl on the first login test (see CurlLibrary); curl_global_init runs there.
            let curl: CurlLibrary
            do { curl = try CurlLibrary.load() } catch { throw SetupError(description: error.description) }
            try super.init(curl: curl)
            try configure()
        } catch {
            throw .failure(error.description)
        }
    }

    var isCancelled: Bool { lock.withLock { cancelFlag } }
    func cancel() { lock.withLock { cancelFlag = true } }

    /// The URL's host part: IPv6 literals in brackets.
    static func urlHost(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }

    private func configure() throws(SetupError) {
        let r = request
        // The host was validated by the caller; refuse anything that could alter the URL anyway.
        if r.host.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value >= 0x7F || "/?#@\\".unicodeScalars.contains($0) }) {
            throw SetupError(description: "invalid hostname for a URL")
        }
        let url = "\(r.mailProtocol.scheme(r.security))://\(Self.urlHost(r.host)):\(r.port)/"
        try check(curl.setoptString(easy, CURLOPT_URL, url), "URL")
        try check(curl.setoptString(easy, CURLOPT_PROTOCOLS_STR, "imap,imaps,pop3,pop3s,smtp,smtps"), "PROTOCOLS_STR")
        try configureCommon(trustStore: TrustStore(caFile: r.caFile), total: r.timeout, connect: r.timeout)
        // STARTTLS must succeed or the connection ends before any credential: CURLUSESSL_ALL.
        // Plain is only reached when the caller allowed it explicitly.
        let useSSL: curl_usessl = r.security == .plain ? CURLUSESSL_NONE : CURLUSESSL_ALL
        try check(curl.setoptLong(easy, CURLOPT_USE_SSL, Int(useSSL.rawValue)), "USE_SSL")
        try setList(CURLOPT_RESOLVE, r.resolve, "RESOLVE")
        try setList(CURLOPT_CONNECT_TO, r.connectTo, "CONNECT_TO")
        try check(curl.setoptLong(easy, CURLOPT_CERTINFO, 1), "CERTINFO")
        // Each server reply (LOGOUT at cleanup included) must come within the same bound.
        let total = max(1, Int(r.timeout.milliseconds.rounded(.up)))
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
        guard !isCleanedUp else { return MailSessionOutcome(status: .failed, message: "already used", serverLines: [], elapsedMilliseconds: 0, cancelled: false) }
        let code = isCancelled ? CURLE_ABORTED_BY_CALLBACK : curl.easyPerform(easy)
        let message = errorMessage(code)
        let subject = certificateSubject(easy)
        let lines = serverLines
        // Cleanup may still talk to the server (LOGOUT, QUIT): here on this thread, not in deinit
        // on whichever thread drops the last reference, and with the debug callback detached.
        _ = curl.setoptLong(easy, CURLOPT_VERBOSE, 0)
        cleanUp()
        return MailSessionOutcome(
            status: MailSessionStatus(code), message: message.trimmingWhitespaceAndNewlines(), serverLines: lines,
            tlsVersion: tlsVersion, certificateSubject: subject,
            elapsedMilliseconds: (ContinuousClock.now - start).milliseconds, cancelled: isCancelled)
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
