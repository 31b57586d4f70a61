/// Writes the Outlook Autodiscover request (request schema 2006, asking for response schema
/// 2006a). libxml2 escapes the address, so no address can inject markup.
package enum AutodiscoverRequestWriter {
    package static let requestSchema = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
    package static let responseSchema = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
    package static let contentType = "text/xml; charset=utf-8"

    package static func request(for address: String) -> [UInt8] {
        let request = XMLElement(name: "Request", children: [
            XMLElement(name: "EMailAddress", text: address),
            XMLElement(name: "AcceptableResponseSchema", text: responseSchema),
        ])
        return Array(XMLSerializer.serialize(XMLElement(name: "Autodiscover", attributes: ["xmlns": requestSchema], children: [request])).utf8)
    }
}
