import CLibXML2
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Serializes an `XMLElement` tree through libxml2, which does all escaping. Characters that XML
/// 1.0 cannot carry (C0 controls but tab/LF/CR, U+FFFE/U+FFFF) are dropped first, so the output always parses.
package enum XMLSerializer {
    package static func serialize(_ root: XMLElement) -> String {
        LibXML.ensureInitialized()
        guard let document = xmlNewDoc("1.0") else { return "" }
        defer { xmlFreeDoc(document) }
        let rootNode = makeNode(root)
        xmlDocSetRootElement(document, rootNode)
        var buffer: UnsafeMutablePointer<xmlChar>?
        var size: Int32 = 0
        xmlDocDumpFormatMemoryEnc(document, &buffer, &size, "UTF-8", 1)
        guard let buffer else { return "" }
        defer { free(buffer) }  // libxml2 allocates with malloc by default
        return String(cString: buffer)
    }

    /// Element and attribute names must be XML NCNames (checked by libxml2): a name made of
    /// remote data such as `x><hostname>…` would otherwise inject markup. Invalid ones are dropped.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 256 && !name.utf8.contains(0) && xmlValidateNCName(name, 0) == 0
    }

    private static func makeNode(_ element: XMLElement) -> xmlNodePtr {
        let node = xmlNewNode(nil, isValidName(element.name) ? element.name : "invalid")!
        for (name, value) in element.attributes.sorted(by: { $0.key < $1.key }) where isValidName(name) {
            xmlNewProp(node, name, clean(value))
        }
        if !element.text.isEmpty {
            xmlNodeAddContent(node, clean(element.text))
        }
        for child in element.children where isValidName(child.name) {
            xmlAddChild(node, makeNode(child))
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
