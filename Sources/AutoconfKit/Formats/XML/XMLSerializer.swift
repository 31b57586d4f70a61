import CLibXML2
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Serializes an `XMLElement` tree through libxml2, which does all escaping. Characters that XML
/// 1.0 cannot carry (C0 controls but tab/LF/CR, U+FFFE/U+FFFF) are dropped first, so the output always parses.
/// libxml2 is loaded at the first serialization (LibXML); without it the result is empty, and
/// callers that can report it check `LibXML.unavailable` first.
package enum XMLSerializer {
    package static func serialize(_ root: XMLElement) -> String {
        guard case .success(let xml) = LibXML.shared, let document = xml.newDoc("1.0") else { return "" }
        defer { xml.freeDoc(document) }
        let rootNode = makeNode(root, xml)
        _ = xml.docSetRootElement(document, rootNode)
        var buffer: UnsafeMutablePointer<xmlChar>?
        var size: Int32 = 0
        xml.docDumpFormatMemoryEnc(document, &buffer, &size, "UTF-8", 1)
        guard let buffer else { return "" }
        defer { free(buffer) }  // libxml2 allocates with malloc by default
        return String(cString: buffer)
    }

    /// Element and attribute names must be XML NCNames (checked by libxml2): a name made of
    /// remote data such as `x><hostname>…` would otherwise inject markup. Invalid ones are dropped.
    private static func isValidName(_ name: String, _ xml: LibXML) -> Bool {
        !name.isEmpty && name.utf8.count <= 256 && !name.utf8.contains(0) && xml.validateNCName(name, 0) == 0
    }

    private static func makeNode(_ element: XMLElement, _ xml: LibXML) -> xmlNodePtr {
        let node = xml.newNode(nil, isValidName(element.name, xml) ? element.name : "invalid")!
        for (name, value) in element.attributes.sorted(by: { $0.key < $1.key }) where isValidName(name, xml) {
            _ = xml.newProp(node, name, clean(value))
        }
        if !element.text.isEmpty {
            xml.nodeAddContent(node, clean(element.text))
        }
        for child in element.children where isValidName(child.name, xml) {
            _ = xml.addChild(node, makeNode(child, xml))
        }
        return node
    }

    /// Keeps only characters allowed by XML 1.0 (tab, newline, carriage return, U+0020 and up,
    /// excluding the surrogate range and U+FFFE/U+FFFF, which Swift strings cannot hold anyway).
    /// U+007F–U+009F are legal XML 1.0 characters and are kept, so write → read is the identity.
    static func clean(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !isAllowed($0) }) else { return text }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.filter(isAllowed))
        return String(scalars)
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value == 0x9 || value == 0xA || value == 0xD || (value >= 0x20 && value != 0xFFFE && value != 0xFFFF)
    }
}
