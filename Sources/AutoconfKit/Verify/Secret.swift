#if canImport(Glibc)
import Glibc
#endif

/// A password. It prints as `<redacted>` everywhere (description, debugDescription, reflection),
/// is not Codable, and only `withCString` exposes it — to libcurl, which copies it. Its bytes live
/// in memory of its own that is zeroed when the last copy of the secret goes away.
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let storage: Storage

    /// The password's UTF-8 bytes.
    public init(_ value: String) { storage = Storage(value.utf8) }

    /// The password as raw bytes (not NUL-terminated), copied: the caller's buffer stays theirs.
    public init(bytes: UnsafeRawBufferPointer) { storage = Storage(bytes) }

    /// True for an empty password.
    public var isEmpty: Bool { storage.bytes.isEmpty }
    /// Always `<redacted>`.
    public var description: String { "<redacted>" }
    /// Always `<redacted>`.
    public var debugDescription: String { "<redacted>" }
    /// No children: reflection shows nothing of the password.
    public var customMirror: Mirror { Mirror(self, children: []) }

    /// A NUL-terminated copy for C, zeroed again when `body` returns.
    func withCString<R>(_ body: (UnsafePointer<CChar>) -> R) -> R {
        var buffer = storage.bytes.map { CChar(bitPattern: $0) } + [0]
        defer { Storage.zero(&buffer) }
        return buffer.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    /// Immutable after init; only deinit writes (zeroes) it.
    private final class Storage: @unchecked Sendable {
        let bytes: UnsafeMutableBufferPointer<UInt8>

        init(_ source: some Collection<UInt8>) {
            bytes = .allocate(capacity: source.count)
            _ = bytes.initialize(from: source)
        }

        deinit {
            if let base = bytes.baseAddress { explicit_bzero(base, bytes.count) }
            bytes.deallocate()
        }

        /// explicit_bzero: a plain loop of stores to memory about to die may be optimised away.
        static func zero(_ buffer: inout [CChar]) {
            buffer.withUnsafeMutableBytes { if let base = $0.baseAddress { explicit_bzero(base, $0.count) } }
        }
    }
}
