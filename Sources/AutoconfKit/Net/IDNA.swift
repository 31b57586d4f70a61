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

    /// Letters, digits, `-` and `_` in labels of 1–63 bytes that neither start nor end with `-`
    /// nor have `-` in their third and fourth place (so no `xn--` label either), at most 253
    /// bytes in all: libidn2 passes such a name through label by label (only U-labels are mapped
    /// and A-labels checked), so the answer is its lowercase spelling without a call — the common
    /// case of every address a service parses. `IDNAFastPathTests` compares the two.
    package static func isPlainASCII(_ domain: String) -> Bool {
        let bytes = domain.utf8
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        var labelLength = 0
        var previous: UInt8 = 0x2E
        var hyphenAtThird = false
        for byte in bytes {
            if byte == 0x2E {
                guard labelLength > 0, previous != 0x2D else { return false }
                labelLength = 0
                previous = byte
                continue
            }
            let ok = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F
            guard ok else { return false }
            labelLength += 1
            guard labelLength <= 63, !(byte == 0x2D && labelLength == 1) else { return false }
            if labelLength == 3 { hyphenAtThird = byte == 0x2D }
            if labelLength == 4, hyphenAtThird, byte == 0x2D { return false }
            previous = byte
        }
        return labelLength > 0 && previous != 0x2D
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
