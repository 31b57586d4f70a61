#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Dictionary where Key == FileAttributeKey, Value == Any {
    /// `FileManager.attributesOfItem`'s `.size`: an NSNumber under full Foundation but a UInt
    /// under FoundationEssentials, where `as? Int` alone finds no size at all.
    var fileSize: Int? {
        if let size = self[.size] as? Int { return size }
        if let size = self[.size] as? any BinaryInteger { return Int(exactly: size) }
        return nil
    }
}
