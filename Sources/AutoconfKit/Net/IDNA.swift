import CLibIDN2

/// International domain names, converted with libidn2 (IDNA 2008 with the TR46 non-transitional
/// mapping, which is what browsers and mail providers use).
package enum IDNA {
    /// Converts a domain in any form (U-labels, mixed case, already A-labels) to lowercase A-labels.
    /// Returns nil with a reason when libidn2 rejects it.
    package static func toASCII(_ domain: String) -> Result<String, IDNAError> {
        var output: UnsafeMutablePointer<CChar>?
        let flags = Int32(IDN2_NFC_INPUT.rawValue | IDN2_NONTRANSITIONAL.rawValue)
        let rc = idn2_to_ascii_8z(domain, &output, flags)
        defer { idn2_free(output) }
        guard rc == Int32(IDN2_OK.rawValue), let output else {
            let message = idn2_strerror(rc).map { String(cString: $0) } ?? "error \(rc)"
            return .failure(IDNAError(domain: domain, message: message))
        }
        return .success(String(cString: output).lowercased())
    }

    /// Converts A-labels back to Unicode for display; returns the input when it cannot.
    package static func toUnicode(_ domain: String) -> String {
        var output: UnsafeMutablePointer<CChar>?
        let rc = idn2_to_unicode_8z8z(domain, &output, 0)
        defer { idn2_free(output) }
        guard rc == Int32(IDN2_OK.rawValue), let output else { return domain }
        return String(cString: output)
    }
}

package struct IDNAError: Error, Sendable, Equatable {
    package let domain: String
    package let message: String
}
