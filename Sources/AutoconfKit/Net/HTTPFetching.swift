/// The HTTP seam every HTTP-based plugin uses. One call is one request and one response: no
/// redirect is followed here (plugins follow redirects hop by hop with `RedirectFollower`, so
/// every hop is checked and recorded). The libcurl client implements it; tests may inject their own.
public protocol HTTPFetching: Sendable {
    func fetch(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse
}

public enum HTTPClientKey: ServiceKey {
    public typealias Value = any HTTPFetching
}

public struct HTTPRequest: Sendable, Hashable {
    public enum Method: String, Sendable, Hashable { case get = "GET", post = "POST", head = "HEAD" }
    public var method: Method
    public var url: String
    public var headers: [String: String]
    public var body: [UInt8]?
    /// Per-request limit; the lookup deadline applies on top.
    public var timeout: Duration
    /// Responses larger than this fail with `.tooLarge` (default 1 MiB).
    public var maximumBodySize: Int
    /// Addresses already resolved for the URL's host (by autoconf's own DNS resolver, so that
    /// `--dns-server` applies to HTTP too); nil lets the client resolve the host itself.
    public var addresses: [String]?

    public init(
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

public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    /// Header names lowercased.
    public var headers: [String: String]
    public var body: [UInt8]
    /// The URL that answered (no redirects are followed, so the request's URL).
    public var url: String
    /// True when the response came over TLS with a certificate that validated for the host.
    public var tlsVerified: Bool

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = [], url: String, tlsVerified: Bool) {
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
        self.tlsVerified = tlsVerified
    }

    public var isRedirect: Bool { [301, 302, 303, 307, 308].contains(status) }
    public var location: String? { headers["location"] }
    public var contentType: String? { headers["content-type"] }
}

public enum HTTPError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidURL(String)
    case resolve(String)
    case connect(String)
    /// Certificate did not validate (untrusted CA, wrong name, expired).
    case tls(String)
    case timeout(String)
    case tooLarge(Int)
    case protocolError(String)
    case cancelled

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
