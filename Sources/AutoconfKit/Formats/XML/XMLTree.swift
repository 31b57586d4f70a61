#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A parsed XML element, copied out of libxml2 into plain Swift values so that no libxml2 pointer
/// outlives the parse. Only what the formats need: names, attributes, text, children, line.
package struct XMLElement: Sendable, Hashable {
    package var name: String
    package var attributes: [String: String]
    package var children: [XMLElement]
    /// Concatenated text and CDATA directly inside this element (entity references are never
    /// expanded: documents with a DTD are rejected before parsing).
    package var text: String
    package var line: Int

    package init(name: String, attributes: [String: String] = [:], children: [XMLElement] = [], text: String = "", line: Int = 0) {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
        self.line = line
    }

    package func children(named name: String) -> [XMLElement] { children.filter { $0.name == name } }
    package func child(named name: String) -> XMLElement? { children.first { $0.name == name } }
    package func childText(_ name: String) -> String? {
        guard let child = child(named: name) else { return nil }
        let value = child.text.trimmed
        return value.isEmpty ? nil : value
    }
    /// Case-insensitive lookup, for Autodiscover documents whose producers disagree on case.
    package func childIgnoringCase(_ name: String) -> XMLElement? {
        let lower = name.lowercased()
        return children.first { $0.name.lowercased() == lower }
    }
    package func childTextIgnoringCase(_ name: String) -> String? {
        guard let child = childIgnoringCase(name) else { return nil }
        let value = child.text.trimmed
        return value.isEmpty ? nil : value
    }
}

/// Why a document was refused: not well-formed, too large, or a construct the hardened parser refuses (DTDs, entities).
public struct XMLParseError: Error, Sendable, Hashable, CustomStringConvertible {
    package var source: String
    package var line: Int?
    package var message: String

    package init(source: String, line: Int?, message: String) {
        self.source = source
        self.line = line
        self.message = message
    }

    /// One line for the user.
    public var description: String {
        if let line, line > 0 { return "\(source):\(line): \(message)" }
        return "\(source): \(message)"
    }
}
