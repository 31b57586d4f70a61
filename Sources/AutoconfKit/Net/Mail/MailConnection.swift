import COpenSSL
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// One TCP connection to a mail server, plain or TLS, driven synchronously on the prober's own
/// thread with a non-blocking socket and poll(): every wait is bounded by the probe's deadline and
/// checks for cancellation at least every 50 ms. Replies are hostile input, so lines and the total
/// amount read are capped.
final class MailConnection {
    static let maximumLineLength = 8192
    static let maximumTotalBytes = 256 * 1024

    private var fd: Int32
    private var ssl: OpaquePointer?
    private var openssl: OpenSSLLibrary?  // set with `ssl`
    private let deadline: ContinuousClock.Instant
    private let isCancelled: () -> Bool
    private var buffer: [UInt8] = []
    private var totalRead = 0
    let address: String

    private init(fd: Int32, address: String, deadline: ContinuousClock.Instant, isCancelled: @escaping () -> Bool) {
        self.fd = fd
        self.address = address
        self.deadline = deadline
        self.isCancelled = isCancelled
    }

    deinit {
        if let ssl, let openssl { openssl.sslFree(ssl) }
        if fd >= 0 { close(fd) }
    }

    /// Connects to the first address that accepts.
    static func open(addresses: [String], port: Int, deadline: ContinuousClock.Instant, isCancelled: @escaping () -> Bool) throws(MailProbeError) -> MailConnection {
        var lastError = MailProbeError.connect("no address")
        for address in addresses {
            do throws(MailProbeError) {
                return try connect(address, port: port, deadline: deadline, isCancelled: isCancelled)
            } catch {
                if case .cancelled = error { throw error }
                if case .timeout = error { throw error }
                lastError = error
            }
        }
        throw lastError
    }

    private static func connect(_ address: String, port: Int, deadline: ContinuousClock.Instant, isCancelled: @escaping () -> Bool) throws(MailProbeError) -> MailConnection {
        var storage = sockaddr_storage()
        var length: socklen_t
        let family: Int32
        if address.contains(":") {
            family = AF_INET6
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET6, address, &sin6.sin6_addr) == 1 else { throw .connect("bad address \(address)") }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            withUnsafeBytes(of: &sin6) { source in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: source) } }
        } else {
            family = AF_INET
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET, address, &sin.sin_addr) == 1 else { throw .connect("bad address \(address)") }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeBytes(of: &sin) { source in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: source) } }
        }
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .connect("socket: \(String(cString: strerror(errno)))") }
        let connection = MailConnection(fd: fd, address: address, deadline: deadline, isCancelled: isCancelled)
        let rc = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, length) } }
        if rc != 0 {
            guard errno == EINPROGRESS else { throw .connect("\(address):\(port): \(String(cString: strerror(errno)))") }
            try connection.wait(Int16(POLLOUT), what: "connecting to \(address):\(port)")
            var error: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size)
            guard error == 0 else { throw .connect("\(address):\(port): \(String(cString: strerror(error)))") }
        }
        return connection
    }

    /// Waits until the socket is ready for `events`, the deadline passes, or the probe is cancelled.
    private func wait(_ events: Int16, what: String) throws(MailProbeError) {
        while true {
            if isCancelled() { throw .cancelled }
            let left = (deadline - ContinuousClock.now).milliseconds
            if left <= 0 { throw .timeout(what) }
            var item = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&item, 1, Int32(min(50, max(1, left))))
            if ready > 0 { return }
            if ready < 0 && errno != EINTR { throw .connect("poll: \(String(cString: strerror(errno)))") }
        }
    }

    // MARK: - TLS

    struct TLSOutcome {
        var certificateValid: Bool
        var problem: String?
        /// The server certificate's notAfter.
        var expires: Date? = nil
    }

    /// Performs the TLS handshake on the connection (implicit TLS, or after STARTTLS), with SNI and
    /// hostname verification for `host`. Plaintext already buffered would be read as if it came
    /// over TLS (the STARTTLS injection attack), so it is refused.
    func startTLS(host: String, context: TLSContext) throws(MailProbeError) -> TLSOutcome {
        guard buffer.isEmpty else { throw .protocolError("the server sent data before the TLS handshake (possible injection)") }
        let openssl = context.openssl
        guard let ssl = openssl.sslNew(context.context) else { throw .tls(openssl.lastError()) }
        self.ssl = ssl
        self.openssl = openssl
        _ = openssl.sslSetFd(ssl, fd)
        let isAddress = IPAddress.isLiteral(host)
        if !isAddress { _ = openssl.setTLSExtHostName(ssl, host) }
        let hostSet = isAddress
            ? openssl.x509VerifyParamSet1IPAsc(openssl.sslGet0Param(ssl), host)
            : openssl.sslSet1Host(ssl, host)
        guard hostSet == 1 else { throw .tls("cannot check certificates for \(host)") }
        while true {
            openssl.errClearError()
            let rc = openssl.sslConnect(ssl)
            if rc == 1 { break }
            switch openssl.sslGetError(ssl, rc) {
            case SSL_ERROR_WANT_READ: try wait(Int16(POLLIN), what: "TLS handshake with \(host)")
            case SSL_ERROR_WANT_WRITE: try wait(Int16(POLLOUT), what: "TLS handshake with \(host)")
            default: throw .tls("handshake with \(host): \(openssl.lastError())")
            }
        }
        guard let peer = openssl.sslGet0PeerCertificate(ssl) else { return TLSOutcome(certificateValid: false, problem: "the server sent no certificate") }
        let expires = openssl.notAfter(peer)
        let verify = openssl.sslGetVerifyResult(ssl)
        if verify == X509_V_OK { return TLSOutcome(certificateValid: true, problem: nil, expires: expires) }
        let message = openssl.x509VerifyCertErrorString(verify).map { String(cString: $0) } ?? "error \(verify)"
        return TLSOutcome(certificateValid: false, problem: message, expires: expires)
    }

    // MARK: - Lines

    func send(_ line: String) throws(MailProbeError) {
        var bytes = Array((line + "\r\n").utf8)
        while !bytes.isEmpty {
            let written: Int
            if let ssl, let openssl {
                openssl.errClearError()
                let rc = openssl.sslWrite(ssl, bytes, Int32(bytes.count))
                if rc <= 0 {
                    switch openssl.sslGetError(ssl, rc) {
                    case SSL_ERROR_WANT_READ: try wait(Int16(POLLIN), what: "sending"); continue
                    case SSL_ERROR_WANT_WRITE: try wait(Int16(POLLOUT), what: "sending"); continue
                    default: throw .tls("write: \(openssl.lastError())")
                    }
                }
                written = Int(rc)
            } else {
                let rc = Glibc.send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL))
                if rc < 0 {
                    if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { try wait(Int16(POLLOUT), what: "sending"); continue }
                    throw .connect("send: \(String(cString: strerror(errno)))")
                }
                written = rc
            }
            bytes.removeFirst(written)
        }
    }

    /// One line without its CRLF, as UTF-8 with invalid bytes replaced.
    func readLine() throws(MailProbeError) -> String {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                var line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                if line.last == 0x0D { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard buffer.count <= Self.maximumLineLength else { throw .protocolError("a reply line is longer than \(Self.maximumLineLength) bytes") }
            try fill()
        }
    }

    private func fill() throws(MailProbeError) {
        guard totalRead < Self.maximumTotalBytes else { throw .protocolError("the server sent more than \(Self.maximumTotalBytes) bytes") }
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count: Int
            if let ssl, let openssl {
                openssl.errClearError()
                let rc = openssl.sslRead(ssl, &chunk, Int32(chunk.count))
                if rc <= 0 {
                    switch openssl.sslGetError(ssl, rc) {
                    case SSL_ERROR_WANT_READ: try wait(Int16(POLLIN), what: "waiting for a reply"); continue
                    case SSL_ERROR_WANT_WRITE: try wait(Int16(POLLOUT), what: "waiting for a reply"); continue
                    case SSL_ERROR_ZERO_RETURN: throw .protocolError("the server closed the connection")
                    default: throw .tls("read: \(openssl.lastError())")
                    }
                }
                count = Int(rc)
            } else {
                let rc = recv(fd, &chunk, chunk.count, 0)
                if rc < 0 {
                    if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { try wait(Int16(POLLIN), what: "waiting for a reply"); continue }
                    throw .connect("recv: \(String(cString: strerror(errno)))")
                }
                if rc == 0 { throw .protocolError("the server closed the connection") }
                count = rc
            }
            totalRead += count
            buffer.append(contentsOf: chunk[..<count])
            return
        }
    }
}
