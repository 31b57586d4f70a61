@testable import AutoconfService
import Foundation
import Testing

/// The document's own shape: every `$ref` resolves, and the lookup parameters are defined once
/// (components/parameters) and referred to by every operation that takes them, so the GET lookup,
/// the stream and the batch cannot drift apart. schemathesis checks it against the live server
/// (BrowserAndOpenAPITests).
@Suite struct OpenAPIDocumentTests {
    nonisolated(unsafe) static let document = (try? JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8))) as? [String: Any] ?? [:]

    static func references(in value: Any) -> [String] {
        if let object = value as? [String: Any] {
            return ((object["$ref"] as? String).map { [$0] } ?? []) + object.values.flatMap { references(in: $0) }
        }
        if let array = value as? [Any] { return array.flatMap { references(in: $0) } }
        return []
    }

    static func resolve(_ reference: String) -> Any? {
        guard reference.hasPrefix("#/") else { return nil }
        var node: Any? = document
        for part in reference.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] }
        return node
    }

    static func operation(_ path: String, _ method: String) -> [String: Any] {
        ((document["paths"] as? [String: Any])?[path] as? [String: Any])?[method] as? [String: Any] ?? [:]
    }

    @Test func everyReferenceResolves() {
        #expect(Self.document["openapi"] as? String == "3.1.0")
        let references = Self.references(in: Self.document)
        #expect(references.count > 40)
        for reference in Set(references) { #expect(Self.resolve(reference) != nil, "\(reference)") }
    }

    @Test func theLookupParametersAreDefinedOnceAndReferredTo() throws {
        let lookup = try #require(Self.operation("/v1/lookup", "get")["parameters"] as? [[String: Any]])
        let stream = try #require(Self.operation("/v1/lookup/stream", "get")["parameters"] as? [[String: Any]])
        let batch = try #require(Self.operation("/v1/batch", "post")["parameters"] as? [[String: Any]])
        for parameter in lookup + stream + batch { #expect(parameter.keys.sorted() == ["$ref"], "an inline parameter: \(parameter)") }
        let names = { (list: [[String: Any]]) in list.compactMap { (Self.resolve($0["$ref"] as? String ?? "") as? [String: Any])?["name"] as? String } }
        #expect(names(lookup) == ["email", "offline", "plugins", "timeout", "prefer", "refresh", "realName", "imap", "pop3", "smtp", "security", "username"])
        #expect(names(stream) == names(lookup))
        #expect(names(batch) == ["offline", "plugins", "timeout", "prefer", "refresh"])
        // The login test's body is the lookup's fields and its own.
        let verify = try #require((Self.resolve("#/components/schemas/VerifyRequest") as? [String: Any])?["allOf"] as? [[String: Any]])
        #expect(verify.first?["$ref"] as? String == "#/components/schemas/LookupRequest")
        #expect(((verify.last?["properties"] as? [String: Any])?.keys.sorted()) == ["accept", "allowPlaintext", "password"])
    }
}
