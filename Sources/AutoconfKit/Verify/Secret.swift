/// A password. It prints as `<redacted>` everywhere (description, debugDescription, reflection),
/// is not Codable, and only `withCString` exposes it — to libcurl, which copies it.
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let bytes: [UInt8]

    public init(_ value: String) { bytes = Array(value.utf8) }

    public var isEmpty: Bool { bytes.isEmpty }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: []) }

    /// A NUL-terminated copy for C, zeroed again when `body` returns.
    func withCString<R>(_ body: (UnsafePointer<CChar>) -> R) -> R {
        var buffer = bytes.map { CChar(bitPattern: $0) } + [0]
        defer { for index in buffer.indices { buffer[index] = 0 } }
        return buffer.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
