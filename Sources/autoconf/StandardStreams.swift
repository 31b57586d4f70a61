#if canImport(Glibc)
import Glibc
#endif

/// Unbuffered writes to standard output and error, and standard input read to its end, with the
/// file descriptors themselves. FileHandle did this before, but it exists only in full Foundation,
/// whose ICU data (34 MB) made the binary 81 MB and every start twice as slow.
enum StandardStreams {
    /// Writes all of `text` at once (no stdio buffer, so it lands in order with other writers).
    static func writeAll(_ text: String, to fd: Int32) {
        var text = text
        text.withUTF8 { writeAll($0, to: fd) }
    }

    /// Writes all of `buffer` at once.
    static func writeAll(_ buffer: UnsafeBufferPointer<UInt8>, to fd: Int32) {
        var offset = 0
        while offset < buffer.count {
            let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return  // a closed stream: nothing else to do with the text
            }
        }
    }

    static func writeOutput(_ text: String) { writeAll(text, to: STDOUT_FILENO) }
    static func writeOutput(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { writeAll($0, to: STDOUT_FILENO) } }
    static func writeError(_ text: String) { writeAll(text, to: STDERR_FILENO) }

    /// Everything left on standard input.
    static func readInputToEnd() -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes += chunk[..<count]
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                return bytes
            }
        }
    }
}
