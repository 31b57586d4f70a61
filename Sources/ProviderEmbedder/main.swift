// Build-time tool: writes a Swift file that holds the given provider files' contents as string
// literals, each file's element tree already parsed, and a domain → file index, so a lookup
// needs no XML parser for a bundled file (and the binary does not load libxml2 for it).
// Usage: ProviderEmbedder OUTPUT.swift FILE.xml...
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One element as HardenedXMLParser copies it out of libxml2 (AutoconfKit's XMLElement): name,
/// attributes, the text directly inside it, children, line of the start tag.
final class Element {
    let name: String
    let attributes: [String: String]
    let line: Int
    var children: [Element] = []
    /// What libxml2 would make of the content: text runs and child nodes in document order.
    var content: [Content] = []
    let preserveSpace: Bool

    enum Content {
        case text(String)
        case cdata(String)
        case node  // an element, a comment or a processing instruction
    }

    init(name: String, attributes: [String: String], line: Int, preserveSpace: Bool) {
        self.name = name
        self.attributes = attributes
        self.line = line
        self.preserveSpace = preserveSpace
    }

    /// The element's text as libxml2 builds it with XML_PARSE_NOBLANKS (which HardenedXMLParser
    /// uses) and no DTD: a run of blanks ending at '<' is dropped unless it is the only content
    /// before the end tag, or the element's last or first node so far is text (libxml2's
    /// `areBlanks`). Everything else, CDATA included, is kept and concatenated.
    var text: String {
        var kept: [Content] = []
        var result = ""
        for (position, item) in content.enumerated() {
            switch item {
            case .text(let run):
                if !preserveSpace, run.utf8.allSatisfy(Self.isBlank) {
                    let aloneBeforeEndTag = kept.isEmpty && position == content.count - 1
                    let lastIsText = kept.last.map(Self.isText) ?? false
                    let firstIsText = kept.first.map(Self.isText) ?? false
                    if !aloneBeforeEndTag && !lastIsText && !firstIsText { continue }
                }
                kept.append(item)
                result += run
            case .cdata(let block):
                kept.append(item)
                result += block
            case .node:
                kept.append(item)
            }
        }
        return result
    }

    private static func isText(_ item: Content) -> Bool {
        if case .text = item { return true }
        return false
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
}

/// Builds the tree with FoundationXML's SAX parser (our own files at build time, not remote data).
/// Adjacent character callbacks (text, entity and character references) are one run.
final class TreeBuilder: NSObject, XMLParserDelegate {
    private var stack: [Element] = []
    private(set) var root: Element?
    private(set) var problem: String?

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        // libxml2's tree keeps local names and no namespace declarations among the attributes.
        var plain: [String: String] = [:]
        for (key, value) in attributes where key != "xmlns" && !key.hasPrefix("xmlns:") {
            plain[Self.localName(key)] = value
        }
        let preserve = attributes["xml:space"].map { $0 == "preserve" } ?? (stack.last?.preserveSpace ?? false)
        let element = Element(name: Self.localName(name), attributes: plain, line: parser.lineNumber, preserveSpace: preserve)
        if let parent = stack.last {
            parent.children.append(element)
            parent.content.append(.node)
        }
        stack.append(element)
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        let element = stack.removeLast()
        if stack.isEmpty { root = element }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { appendText(string) }
    func parser(_ parser: XMLParser, foundIgnorableWhitespace whitespaceString: String) { appendText(whitespaceString) }

    func parser(_ parser: XMLParser, foundCDATA block: Data) {
        guard let text = String(data: block, encoding: .utf8) else { problem = "CDATA that is not UTF-8"; return }
        stack.last?.content.append(.cdata(text))
    }

    func parser(_ parser: XMLParser, foundComment comment: String) { stack.last?.content.append(.node) }
    func parser(_ parser: XMLParser, foundProcessingInstructionWithTarget target: String, data: String?) { stack.last?.content.append(.node) }

    private func appendText(_ string: String) {
        guard let element = stack.last else { return }
        if case .text(let run) = element.content.last {
            element.content[element.content.count - 1] = .text(run + string)
        } else {
            element.content.append(.text(string))
        }
    }

    private static func localName(_ name: String) -> String {
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }
}

/// The tree in pre-order, one record per element, which AutoconfKit's `EmbeddedXMLTree.decode`
/// rebuilds without parsing XML: fields end with U+001F, records with U+001E (XML 1.0 cannot
/// carry either character, not even as a character reference, so no escaping is needed):
/// child count, line, name, attribute count, then name and value of each attribute (sorted), text.
func encode(_ root: Element) -> String? {
    var out = ""
    var pending: [Element] = [root]
    while let element = pending.popLast() {
        var fields = [String(element.children.count), String(element.line), element.name, String(element.attributes.count)]
        for (key, value) in element.attributes.sorted(by: { $0.key < $1.key }) { fields += [key, value] }
        fields.append(element.text)
        for field in fields {
            if field.unicodeScalars.contains(where: { $0 == "\u{1E}" || $0 == "\u{1F}" }) { return nil }
            out += field
            out += "\u{1F}"
        }
        out += "\u{1E}"
        pending += element.children.reversed()
    }
    return out
}

/// Every <domain> element's text (but MX hints), anywhere in the tree: what the index maps to the file.
func domains(_ root: Element) -> [String] {
    var domains: [String] = []
    var pending: [Element] = [root]
    while let element = pending.popLast() {
        if element.name == "domain" && element.attributes["purpose"] == nil {
            let value = element.text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            if !value.isEmpty { domains.append(value) }
        }
        pending += element.children.reversed()
    }
    return domains
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("ProviderEmbedder: \(message)\n".utf8))
    exit(1)
}

let arguments = CommandLine.arguments.dropFirst()
guard let outputPath = arguments.first else { fail("usage: ProviderEmbedder OUTPUT.swift FILE...") }
var files = ""
var trees = ""
var index: [(String, Int)] = []
for (number, path) in arguments.dropFirst().sorted().enumerated() {
    let url = URL(fileURLWithPath: path)
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { fail("cannot read \(path) as UTF-8") }
    let parser = XMLParser(data: Data(text.utf8))
    let builder = TreeBuilder()
    parser.delegate = builder
    guard parser.parse(), let root = builder.root else { fail("\(path) is not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?")") }
    if let problem = builder.problem { fail("\(path): \(problem)") }
    guard let tree = encode(root) else { fail("\(path): a name, value or text holds U+001E or U+001F") }
    for domain in domains(root) { index.append((domain, number)) }
    // A raw string delimiter longer than any run of '#' in the file keeps the literal verbatim.
    var hashes = "#"
    while text.contains("\"" + hashes) || text.contains(hashes + "\"") { hashes += "#" }
    files += "        (\(String(reflecting: url.lastPathComponent)), \(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes)),\n"
    // One escaped literal per file: no nesting for the type checker, nothing to parse at run time.
    trees += "        \(String(reflecting: tree)),\n"
}
var source = "// Generated by ProviderEmbedder from Providers/*.xml. Do not edit.\n"
source += "enum BundledProviderData {\n    static let files: [(name: String, contents: String)] = [\n"
source += files
source += "    ]\n\n    /// Each file's element tree, as EmbeddedXMLTree.decode reads it, in the order of `files`.\n"
source += "    static let trees: [String] = [\n"
source += trees
source += "    ]\n\n    /// Every <domain> of every file, with the index of its file in `files`.\n"
source += "    static let domains: [(domain: String, file: Int)] = [\n"
for (domain, file) in index { source += "        (\(String(reflecting: domain)), \(file)),\n" }
source += "    ]\n}\n"
do {
    let existing = try? String(contentsOfFile: outputPath, encoding: .utf8)
    if existing != source { try source.write(toFile: outputPath, atomically: true, encoding: .utf8) }
} catch {
    fail("cannot write \(outputPath): \(error)")
}
