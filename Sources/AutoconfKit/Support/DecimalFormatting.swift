#if canImport(Glibc)
import Glibc
#endif

extension Double {
    /// `String(format: "%W.Pf", self)` without Foundation (whose String(format:) comes with full
    /// Foundation and ICU). C's vsnprintf does the work, as it does under String(format:), so the
    /// digits (round-half-even on the binary value), "-0.0", "inf" and "nan" stay byte for byte.
    package func fixedPoint(places: Int, width: Int = 0) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let length = withVaList([Int32(width), Int32(places), self]) { arguments in
            vsnprintf(&buffer, buffer.count, "%*.*f", arguments)
        }
        if length >= buffer.count {
            // Only huge values (1e60 has 61 digits) need more room.
            buffer = [CChar](repeating: 0, count: Int(length) + 1)
            _ = withVaList([Int32(width), Int32(places), self]) { vsnprintf(&buffer, buffer.count, "%*.*f", $0) }
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
