import CLibXML2
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Hardened XML parsing on libxml2 for documents from the network: no network access, no DTD
/// loading, no entity substitution (any DOCTYPE is refused outright, which also stops XXE and
/// "billion laughs"), a size cap before parsing and libxml2's own depth limit. libxml2 is loaded at
/// the first parse (LibXML); without it every parse fails with a one-line error.
@usableFromInline package enum HardenedXMLParser {
    /// 1 MiB: the largest real autoconfig document is a few KiB.
    @usableFromInline package static let defaultMaximumSize = 1 << 20

    package static func parse(_ data: [UInt8], source: String, maximumSize: Int = defaultMaximumSize) throws(XMLParseError) -> XMLElement {
        guard data.count <= maximumSize else {
            throw XMLParseError(source: source, line: nil, message: "document is \(data.count) bytes, larger than the \(maximumSize)-byte limit")
        }
        guard !data.isEmpty else { throw XMLParseError(source: source, line: nil, message: "document is empty") }
        // Bytes and depth alone do not bound the work: 262k empty elements fit in 1 MiB and cost
        // seconds and hundreds of MiB as a tree. Start tags are counted before libxml2 runs
        // (an upper bound: a '<' followed by a name character, also inside comments or CDATA).
        let elements = startTagCount(data)
        guard elements <= maximumElements else {
            throw XMLParseError(source: source, line: nil, message: "document has more than \(maximumElements) elements")
        }
        if let line = lineOfDoctype(in: data) {
            throw XMLParseError(source: source, line: line, message: "document type declarations (DOCTYPE/ENTITY) are not allowed")
        }
        let xml: LibXML
        do throws(LibXML.LoadError) { xml = try LibXML.load() } catch {
            throw XMLParseError(source: source, line: nil, message: error.description)
        }
        guard let context = xml.newParserCtxt() else {
            throw XMLParseError(source: source, line: nil, message: "out of memory")
        }
        defer { xml.freeParserCtxt(context) }
        // No XML_PARSE_NOENT (entity substitution), no XML_PARSE_DTDLOAD, no XML_PARSE_HUGE.
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOBLANKS.rawValue)
        // Collect the first error through the structured handler: libxml2 keeps parsing after a
        // fatal error, so its "last error" often describes the end of the file instead of the cause.
        let collector = ErrorCollector()
        xml.setStructuredErrorFunc(Unmanaged.passUnretained(collector).toOpaque()) { userData, error in
            guard let userData, let error else { return }
            let collector = Unmanaged<ErrorCollector>.fromOpaque(userData).takeUnretainedValue()
            guard collector.first == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
            collector.first = (Int(error.pointee.line), error.pointee.message.map { String(cString: $0) } ?? "")
        }
        defer { xml.setStructuredErrorFunc(nil, nil) }
        let document = data.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                xml.ctxtReadMemory(context, pointer, Int32(buffer.count), nil, nil, options)
            }
        }
        guard let document else {
            if let (line, message) = collector.first {
                throw XMLParseError(source: source, line: line, message: oneLine(message, fallback: "not well-formed XML"))
            }
            throw lastError(xml, context, source: source, fallback: "not well-formed XML")
        }
        defer { xml.freeDoc(document) }
        if document.pointee.intSubset != nil {
            throw XMLParseError(source: source, line: nil, message: "document type declarations are not allowed")
        }
        guard let root = xml.docGetRootElement(document) else {
            throw XMLParseError(source: source, line: nil, message: "document has no root element")
        }
        return copy(root, lineOf: xml.getLineNo)
    }

    private static func lastError(_ xml: LibXML, _ context: xmlParserCtxtPtr, source: String, fallback: String) -> XMLParseError {
        guard let error = xml.ctxtGetLastError(context), let message = error.pointee.message else {
            return XMLParseError(source: source, line: nil, message: fallback)
        }
        return XMLParseError(source: source, line: Int(error.pointee.line), message: oneLine(String(cString: message), fallback: fallback))
    }

    /// libxml2 messages may span lines ("…encoding !\nBytes: 0xFF…"): errors stay one line.
    private static func oneLine(_ message: String, fallback: String) -> String {
        let text = message.split(whereSeparator: \.isNewline).map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }.joined(separator: "; ")
        return text.isEmpty ? fallback : text
    }

    private final class ErrorCollector {
        var first: (Int, String)?
    }

    /// Finds `<!DOCTYPE` or `<!ENTITY` before parsing, so an entity bomb never reaches the parser.
    package static let maximumElements = 20_000

    static func startTagCount(_ data: [UInt8]) -> Int {
        var count = 0
        var index = 0
        let end = data.count - 1
        while index < end {
            if data[index] == 0x3C {
                let next = data[index + 1]
                if next != 0x2F && next != 0x21 && next != 0x3F && next > 0x20 { count += 1 }
            }
            index += 1
        }
        return count
    }

    static func lineOfDoctype(in data: [UInt8]) -> Int? {
        let marker: [UInt8] = Array("<!".utf8)
        var line = 1
        var index = 0
        let count = data.count
        while index < count {
            let byte = data[index]
            if byte == 0x0A { line += 1 }
            if byte == marker[0], index + 2 < count, data[index + 1] == marker[1] {
                let next = data[index + 2]
                // <!D(OCTYPE) or <!E(NTITY); comments (<!--) and CDATA (<![) are fine.
                if next == UInt8(ascii: "D") || next == UInt8(ascii: "E") || next == UInt8(ascii: "d") || next == UInt8(ascii: "e") {
                    return line
                }
            }
            index += 1
        }
        return nil
    }

    private static func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }

    /// Iterative copy (no recursion on attacker-controlled depth beyond libxml2's own limit).
    private static func copy(_ root: xmlNodePtr, lineOf: autoconf_xmlGetLineNo_fn) -> XMLElement {
        func shallow(_ node: xmlNodePtr) -> XMLElement {
            var attributes: [String: String] = [:]
            var attribute = node.pointee.properties
            while let current = attribute {
                let name = string(current.pointee.name)
                var value = ""
                var child = current.pointee.children
                while let textNode = child {
                    if textNode.pointee.type == XML_TEXT_NODE { value += string(textNode.pointee.content) }
                    child = textNode.pointee.next
                }
                attributes[name] = value
                attribute = current.pointee.next
            }
            return XMLElement(name: string(node.pointee.name), attributes: attributes, line: Int(lineOf(node)))
        }
        // Depth-first with an explicit stack of (node, element-in-progress).
        var stack: [(xmlNodePtr, XMLElement)] = [(root, shallow(root))]
        var finished: XMLElement?
        var cursors: [xmlNodePtr?] = [root.pointee.children]
        while !stack.isEmpty {
            let top = stack.count - 1
            guard let child = cursors[top] else {
                let (_, element) = stack.removeLast()
                cursors.removeLast()
                if stack.isEmpty { finished = element } else { stack[stack.count - 1].1.children.append(element) }
                continue
            }
            cursors[top] = child.pointee.next
            switch child.pointee.type {
            case XML_ELEMENT_NODE:
                stack.append((child, shallow(child)))
                cursors.append(child.pointee.children)
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                stack[top].1.text += string(child.pointee.content)
            default:
                break  // comments, processing instructions, (never expanded) entity references
            }
        }
        return finished ?? shallow(root)
    }
}
