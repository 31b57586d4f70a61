import CCurl

/// What every curl easy handle in autoconf shares (the HTTP transfers and the login test's mail
/// sessions): the handle and its error buffer, the string lists it hands curl (all freed with it),
/// and the settings no handle may be without — no signals (threads and SIGALRM do not mix), TLS
/// verification on, the roots from `TrustStore`, and the timeouts.
class CurlEasyHandle: @unchecked Sendable {
    struct SetupError: Error, Sendable, CustomStringConvertible {
        let description: String
    }

    let curl: CurlLibrary
    let easy: UnsafeMutableRawPointer
    /// Set once `cleanUp()` ran (the handle must not be used after).
    private(set) var isCleanedUp = false
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    let errorBuffer: UnsafeMutablePointer<CChar>
    private static let errorBufferSize = 256  // CURL_ERROR_SIZE

    init(curl: CurlLibrary) throws(SetupError) {
        guard let easy = curl.easyInit() else { throw SetupError(description: "curl_easy_init failed") }
        self.curl = curl
        self.easy = easy
        errorBuffer = .allocate(capacity: Self.errorBufferSize)
        errorBuffer.initialize(repeating: 0, count: Self.errorBufferSize)
    }

    /// Frees the handle now, on this thread (a mail session's cleanup may still talk to the server).
    func cleanUp() {
        guard !isCleanedUp else { return }
        isCleanedUp = true
        curl.easyCleanup(easy)
    }

    deinit {
        cleanUp()
        for list in lists { curl.slistFreeAll(list) }
        errorBuffer.deallocate()
    }

    func check(_ code: CURLcode, _ what: String) throws(SetupError) {
        if code != CURLE_OK { throw SetupError(description: "cannot set \(what): \(curl.easyStrerror(code))") }
    }

    /// The common settings. `total` bounds the whole transfer, `connect` the TCP + TLS setup.
    func configureCommon(trustStore: TrustStore, total: Duration, connect: Duration) throws(SetupError) {
        try check(curl.setoptLong(easy, CURLOPT_NOSIGNAL, 1), "NOSIGNAL")
        // Verification is never switched off; these are libcurl's defaults, set so nobody has to check.
        try check(curl.setoptLong(easy, CURLOPT_SSL_VERIFYPEER, 1), "SSL_VERIFYPEER")
        try check(curl.setoptLong(easy, CURLOPT_SSL_VERIFYHOST, 2), "SSL_VERIFYHOST")
        do throws(TrustStore.Problem) { try trustStore.apply(to: easy, curl: curl) } catch { throw SetupError(description: error.description) }
        let totalMs = max(1, Int(total.milliseconds.rounded(.up)))
        try check(curl.setoptLong(easy, CURLOPT_TIMEOUT_MS, totalMs), "TIMEOUT_MS")
        let connectMs = max(1, min(totalMs, Int(connect.milliseconds.rounded(.up))))
        try check(curl.setoptLong(easy, CURLOPT_CONNECTTIMEOUT_MS, connectMs), "CONNECTTIMEOUT_MS")
        try check(curl.setoptPointer(easy, CURLOPT_ERRORBUFFER, errorBuffer), "ERRORBUFFER")
    }

    /// Hands `lines` to curl as `option` (RESOLVE, CONNECT_TO, HTTPHEADER); nothing for none.
    func setList(_ option: CURLoption, _ lines: [String], _ what: String) throws(SetupError) {
        guard !lines.isEmpty else { return }
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines { list = curl.slistAppend(list, line) }
        guard let list else { throw SetupError(description: "cannot set \(what): out of memory") }
        lists.append(list)
        try check(curl.setoptSlist(easy, option, list), what)
    }

    /// What curl wrote to the error buffer, else its text for `code`.
    func errorMessage(_ code: CURLcode) -> String {
        errorBuffer.pointee != 0 ? String(cString: errorBuffer) : curl.easyStrerror(code)
    }
}
