import CLibIDN2

/// International domain names, converted with libidn2 (IDNA 2008 with the TR46 non-transitional
/// mapping, which is what browsers and mail providers use).
package enum IDNA {
    /// Converts a domain in any form (U-labels, mixed case, already A-labels) to lowercase A-labels.
    /// Returns nil with a reason when libidn2 rejects it.
    package static func toASCII(_ domain: String) -> Result<String, IDNAError> {
        if isPlainASCII(domain) { return .success(domain.lowercased()) }
        return libidn2ToASCII(domain)
    }

    /// A valid `Hostname` (letters, digits, `-` and `_` in labels of 1–63 bytes that neither start
    /// nor end with `-`, at most 253 bytes) without a trailing dot and with no `-` in a label's
    /// third and fourth place (so no `xn--` label either): libidn2 passes such a name through
    /// label by label (only U-labels are mapped and A-labels checked), so the answer is its
    /// lowercase spelling without a call — the common case of every address a service parses.
    /// `IDNAFastPathTests` compares the two.
    package static func isPlainASCII(_ domain: String) -> Bool {
        guard domain.utf8.last != 0x2E, Hostname.isValid(domain) else { return false }
        var place = 0
        var hyphenThird = false
        for byte in domain.utf8 {
            if byte == 0x2E {
                place = 0
                continue
            }
            place += 1
            if place == 3 { hyphenThird = byte == 0x2D }
            if place == 4, hyphenThird, byte == 0x2D { return false }
        }
        return true
    }

    package static func libidn2ToASCII(_ domain: String) -> Result<String, IDNAError> {
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
        if isPlainASCII(domain) { return domain }
        return libidn2ToUnicode(domain)
    }

    package static func libidn2ToUnicode(_ domain: String) -> String {
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
