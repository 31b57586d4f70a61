import Foundation
import Hummingbird
import NIOCore

/// The request context: Hummingbird's core storage plus the connection's two ends (the client,
/// for the rate limit; the listener, for the login test's loopback rule).
public struct ServiceRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public let localAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        localAddress = source.channel.localAddress
    }

    /// Bodies are read by the routes themselves, with the service's own limit.
    public var maxUploadSize: Int { 0 }

    var listenerIsLoopback: Bool { localAddress.map(Self.isLoopback) ?? false }

    static func isLoopback(_ address: SocketAddress) -> Bool {
        guard let ip = address.ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}

/// A client error (or 503) with its status and one-line message, answered as `{"error": "..."}`.
struct APIError: Error, Sendable {
    var status: HTTPResponse.Status
    var message: String
    var retryAfter: Int?

    init(_ status: HTTPResponse.Status, _ message: String, retryAfter: Int? = nil) {
        self.status = status
        self.message = message
        self.retryAfter = retryAfter
    }

    var response: Response {
        var response = JSONResponse.make(status: status, ErrorBody(error: message))
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }

    struct ErrorBody: Encodable { var error: String }
}

enum JSONResponse {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func make(status: HTTPResponse.Status = .ok, _ value: some Encodable) -> Response {
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return make(status: status, json: data)
    }

    static func make(status: HTTPResponse.Status = .ok, json: some Sequence<UInt8>) -> Response {
        var buffer = ByteBuffer()
        buffer.writeBytes(json)
        return make(status: status, buffer: buffer)
    }

    static func make(status: HTTPResponse.Status = .ok, string: String) -> Response {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(string.utf8.count + 1)
        buffer.writeString(string)
        return make(status: status, buffer: buffer)
    }

    /// The JSON in `buffer`, with the newline that ends every body.
    private static func make(status: HTTPResponse.Status, buffer: ByteBuffer) -> Response {
        var buffer = buffer
        buffer.writeString("\n")
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: buffer))
    }
}
