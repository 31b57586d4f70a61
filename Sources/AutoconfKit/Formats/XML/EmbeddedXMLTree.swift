/// Rebuilds an `XMLElement` tree that ProviderEmbedder parsed at build time, so the bundled
/// provider files need no XML parser at run time (and an offline lookup never loads libxml2).
/// The format is ProviderEmbedder's: one record per element in pre-order, each field ended by
/// U+001F and each record by U+001E (characters XML 1.0 cannot carry): child count, line, name,
/// attribute count, each attribute's name and value, text. That the tree equals what
/// HardenedXMLParser makes of the file is checked by EmbeddedXMLTreeTests for every bundled file.
package enum EmbeddedXMLTree {
    /// nil when the text is not such a list (it is generated, so only a broken build gets here).
    package static func decode(_ encoded: String) -> XMLElement? {
        var encoded = encoded
        return encoded.withUTF8 { bytes -> XMLElement? in
            var reader = Reader(bytes: bytes)
            // Elements still waiting for children, with how many are missing.
            var open: [(element: XMLElement, missing: Int)] = []
            while reader.position < bytes.count {
                guard let children = reader.integer(), let line = reader.integer(), let name = reader.string(),
                      let attributeCount = reader.integer() else { return nil }
                var attributes: [String: String] = [:]
                attributes.reserveCapacity(attributeCount)
                for _ in 0..<attributeCount {
                    guard let key = reader.string(), let value = reader.string() else { return nil }
                    attributes[key] = value
                }
                guard let text = reader.string(), reader.endOfRecord() else { return nil }
                var finished = XMLElement(name: name, attributes: attributes, text: text, line: line)
                if children > 0 {
                    finished.children.reserveCapacity(children)
                    open.append((finished, children))
                    continue
                }
                // A complete element goes into its parent, which may complete in turn.
                while let last = open.indices.last {
                    open[last].element.children.append(finished)
                    open[last].missing -= 1
                    guard open[last].missing == 0 else { break }
                    finished = open.removeLast().element
                }
                if open.isEmpty { return reader.position == bytes.count ? finished : nil }
            }
            return nil
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        /// The bytes up to the next U+001F, which is consumed.
        mutating func field() -> UnsafeBufferPointer<UInt8>? {
            var end = position
            while end < bytes.count, bytes[end] != 0x1F {
                if bytes[end] == 0x1E { return nil }
                end += 1
            }
            guard end < bytes.count else { return nil }
            let field = UnsafeBufferPointer(rebasing: bytes[position..<end])
            position = end + 1
            return field
        }

        mutating func string() -> String? { field().map { String(decoding: $0, as: UTF8.self) } }

        mutating func integer() -> Int? {
            guard let digits = field(), !digits.isEmpty, digits.count < 10 else { return nil }
            var value = 0
            for digit in digits {
                guard digit >= 0x30 && digit <= 0x39 else { return nil }
                value = value * 10 + Int(digit - 0x30)
            }
            return value
        }

        mutating func endOfRecord() -> Bool {
            guard position < bytes.count, bytes[position] == 0x1E else { return false }
            position += 1
            return true
        }
    }
}
