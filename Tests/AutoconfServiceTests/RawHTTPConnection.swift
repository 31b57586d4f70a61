import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One TCP connection to 127.0.0.1 driven byte by byte: what curl will not do (trickle a request,
/// hold a connection idle, send two `Host` headers, reuse a keep-alive connection at a chosen
/// moment). Responses are read raw; `readResponse` understands only Content-Length bodies,
/// which is all the service sends for these routes.
final class RawHTTPConnection: @unchecked Sendable {
    let fd: Int32
    private var pending: [UInt8] = []

    enum Failure: Error { case connect(String), timeout, closed }

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw Failure.connect(String(cString: strerror(errno)))
        }
    }

    deinit { close(fd) }

    /// false once the peer has closed (EPIPE/ECONNRESET).
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// Sends `text` one byte every `interval` seconds; false as soon as the peer has answered
    /// or closed.
    func trickle(_ text: String, interval: TimeInterval) -> Bool {
        for byte in text {
            guard send(String(byte)) else { return false }
            if isClosed(within: interval) || !pending.isEmpty { return false }
        }
        return true
    }

    /// Whether the peer closes (EOF or reset) within `seconds`; data that arrives is kept.
    func isClosed(within seconds: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return false }
            switch read(timeout: left) {
            case .closed: return true
            case .timeout: return false
            case .data(let bytes): pending += bytes
            }
        }
    }

    enum ReadOutcome { case data([UInt8]), timeout, closed }

    private func read(timeout: TimeInterval) -> ReadOutcome {
        var item = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&item, 1, Int32(max(1, timeout * 1000))) > 0 else { return .timeout }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &buffer, buffer.count, 0)
        return count <= 0 ? .closed : .data(Array(buffer.prefix(count)))
    }

    struct Response {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    /// One whole response (head and Content-Length body) within `timeout` seconds.
    func readResponse(timeout: TimeInterval = 20) throws -> Response {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let response = takeResponse() { return response }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { throw Failure.timeout }
            switch read(timeout: left) {
            case .data(let bytes): pending += bytes
            case .timeout: throw Failure.timeout
            case .closed:
                if let response = takeResponse() { return response }
                throw Failure.closed
            }
        }
    }

    private func takeResponse() -> Response? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = pending.indices.first(where: { pending[$0...].starts(with: separator) }) else { return nil }
        let head = String(decoding: pending[..<end], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        let bodyStart = end + separator.count
        guard pending.count >= bodyStart + length else { return nil }
        let body = String(decoding: pending[bodyStart..<(bodyStart + length)], as: UTF8.self)
        pending.removeFirst(bodyStart + length)
        return Response(status: statusLine.count > 1 ? Int(statusLine[1]) ?? -1 : -1, headers: headers, body: body)
    }
}
