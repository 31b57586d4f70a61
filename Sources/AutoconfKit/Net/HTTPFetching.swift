/// The HTTP seam every HTTP-based plugin uses. One call is one request and one response: no
/// redirect is followed here (plugins follow redirects hop by hop with `RedirectFollower`, so
/// every hop is checked and recorded). The libcurl client implements it; tests may inject their own.
public protocol HTTPFetching: Sendable {
    /// Sends `request` and returns the response as it came (redirects included), its body capped by the request.
    /// - Throws: `HTTPError` when no response came (resolve, connect, TLS, timeout, oversize, cancelled).
    func fetch(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse
}

package enum HTTPClientKey: ServiceKey {
    package typealias Value = any HTTPFetching
}

/// One HTTP request: method, URL, headers, body, timeout and body size cap.
public struct HTTPRequest: Sendable, Hashable {
    package enum Method: String, Sendable, Hashable { case get = "GET", post = "POST", head = "HEAD" }
    package var method: Method
    package var url: String
    package var headers: [String: String]
    package var body: [UInt8]?
    /// Per-request limit; the lookup deadline applies on top.
    package var timeout: Duration
    /// Responses larger than this fail with `.tooLarge` (default 1 MiB).
    package var maximumBodySize: Int
    /// Addresses already resolved for the URL's host (by autoconf's own DNS resolver, so that
    /// `--dns-server` applies to HTTP too); nil lets the client resolve the host itself.
    package var addresses: [String]?

    package init(
        _ method: Method = .get, url: String, headers: [String: String] = [:], body: [UInt8]? = nil,
        timeout: Duration = .seconds(5), maximumBodySize: Int = 1 << 20
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.maximumBodySize = maximumBodySize
    }
}

/// One HTTP response, body capped by the request.
public struct HTTPResponse: Sendable, Hashable {
    package var status: Int
    /// Header names lowercased.
    package var headers: [String: String]
    package var body: [UInt8]
    /// The URL that answered (no redirects are followed, so the request's URL).
    package var url: String
    /// True when the response came over TLS with a certificate that validated for the host.
    package var tlsVerified: Bool

    package init(status: Int, headers: [String: String] = [:], body: [UInt8] = [], url: String, tlsVerified: Bool) {
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
        self.tlsVerified = tlsVerified
    }

    package var isRedirect: Bool { [301, 302, 303, 307, 308].contains(status) }
    package var location: String? { headers["location"] }
    package var contentType: String? { headers["content-type"] }
}

/// Why an HTTP request got no response.
public enum HTTPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The URL cannot be used (which).
    case invalidURL(String)
    /// The host did not resolve.
    case resolve(String)
    /// No connection could be made.
    case connect(String)
    /// Certificate did not validate (untrusted CA, wrong name, expired).
    case tls(String)
    /// The request's timeout or the deadline passed.
    case timeout(String)
    /// The body was larger than the request allows (the cap, in bytes).
    case tooLarge(Int)
    /// The server's HTTP was broken.
    case protocolError(String)
    /// The lookup no longer needed the answer.
    case cancelled

    /// One line for the user.
    public var description: String {
        switch self {
        case .invalidURL(let url): "invalid URL \(url)"
        case .resolve(let what): "cannot resolve \(what)"
        case .connect(let what): "cannot connect: \(what)"
        case .tls(let what): "TLS certificate rejected: \(what)"
        case .timeout(let what): "timed out: \(what)"
        case .tooLarge(let limit): "response larger than \(limit) bytes"
        case .protocolError(let what): "HTTP error: \(what)"
        case .cancelled: "cancelled"
        }
    }
}
