#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Turns a lookup result for one address into one for any address of the same domain: usernames
/// (and any source or redirect that carries the address) go back to placeholders, which are then
/// expanded for the other address. The cache and batch deduplication share answers per domain
/// this way — but only answers that provably do not depend on the address (`independent`):
/// everything else is looked up per address and never cached.
enum AddressTemplating {
    /// The result's candidates in placeholder form when the answer provably does not depend on
    /// the address: no candidate came from a source asked with the address, and once usernames
    /// are placeholders no text field still contains the local part (a server answering
    /// `u-alice`, an ISPDB `%EMAILLOCALPART%.%EMAILDOMAIN%` hostname, "Mail for alice@…").
    /// nil: per user. A false "per user" only costs a lookup; a false "independent" would hand
    /// one user's data to another, so every doubt is "per user".
    static func independent(_ result: LookupResult) -> [Candidate]? {
        let email = result.email
        let local = email.localPart.lowercased()
        let encodedLocal = PercentEncoding.encode(email.localPart).lowercased()
        let plainNeedles = [local, encodedLocal].allSatisfy(isPlainASCII) ? [local, encodedLocal] : nil
        var generalized: [Candidate] = []
        for candidate in result.candidates {
            // Its server saw the address (each source says so in its provenance): it may answer per user.
            if candidate.provenance.askedWithAddress { return nil }
            let general = generalize(candidate, from: email)
            func holdsAddress(_ text: String) -> Bool { text.mayContainCharacters(of: "%EMAILADDRESS%") && text.contains("%EMAILADDRESS%") }
            if holdsAddress(general.provenance.source) || general.provenance.redirects.contains(where: holdsAddress) {
                return nil
            }
            var texts: [String] = []
            collectStrings(of: general, into: &texts)
            for text in texts {
                // Most texts hold no placeholder: then stripping them is a no-op, and for an
                // address of plain ASCII a byte search of the lowercased text finds at least
                // every match the Character search below finds (it ignores grapheme boundaries).
                if let plainNeedles, !text.containsByte(UInt8(ascii: "%")) {
                    let lowered = text.lowercased()
                    if plainNeedles.contains(where: { lowered.utf8ContainsBytes(of: $0) }) { return nil }
                    continue
                }
                var value = text
                // Only the placeholders the text holds: each `replacing` builds a search table.
                for placeholder in ["%EMAILLOCALPART%", "%EMAILADDRESS%", "%EMAILDOMAIN%", "%REALNAME%"] where value.mayContainCharacters(of: placeholder) {
                    value = value == placeholder ? "" : value.replacing(placeholder, with: "")
                }
                let lowered = value.lowercased()
                // The placeholders gone, the byte search above applies to what is left.
                if let plainNeedles {
                    if plainNeedles.contains(where: { lowered.utf8ContainsBytes(of: $0) }) { return nil }
                } else if lowered.contains(local) || lowered.contains(encodedLocal) {
                    return nil
                }
            }
            generalized.append(general)
        }
        if let unsupported = result.unsupported {
            var texts: [String] = []
            collectStrings(of: unsupported, into: &texts)
            if texts.contains(where: { $0.lowercased().contains(local) }) { return nil }
        }
        return generalized
    }

    /// ASCII without '`' and ';', the ASCII characters other characters are canonically
    /// equivalent to (U+1FEF, U+037E; the Kelvin sign lowercases to ASCII 'k' first): for such a
    /// needle, every Character match in a lowercased text is also a byte match.
    private static func isPlainASCII(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 < 0x80 && $0 != UInt8(ascii: "`") && $0 != UInt8(ascii: ";") }
    }

    /// Every string stored in the candidate, field by field (a `Mirror` walk cost a fifth of an
    /// offline batch). A test compares it with a `Mirror` walk and pins each model type's
    /// stored properties, so a new field fails it until it is walked here.
    static func collectStrings(of candidate: Candidate, into texts: inout [String]) {
        let configuration = candidate.configuration
        func add(_ text: String?) { if let text { texts.append(text) } }
        func add(_ authentication: [Authentication]) {
            for item in authentication {
                if case .unknown(let name) = item.method { texts.append(name) }
                add(item.system)
            }
        }
        add(configuration.providerID)
        texts.append(contentsOf: configuration.domains)
        add(configuration.displayName)
        add(configuration.displayShortName)
        for server in configuration.incoming + configuration.outgoing {
            if case .unknown(let name) = server.type { texts.append(name) }
            add(server.hostname)
            add(server.url)
            add(server.authentication)
            add(server.username)
            for (key, value) in server.extras { texts.append(key); texts.append(value) }
        }
        if let oauth2 = configuration.oauth2 {
            texts.append(oauth2.issuer)
            add(oauth2.scope)
            add(oauth2.authURL)
            add(oauth2.tokenURL)
            add(oauth2.clientID)
        }
        for instruction in configuration.instructions {
            add(instruction.url)
            for (key, value) in instruction.texts { texts.append(key); texts.append(value) }
        }
        add(configuration.webmailURL)
        for service in configuration.collaboration {
            texts.append(service.type)
            add(service.url)
            add(service.username)
            add(service.authentication)
        }
        let provenance = candidate.provenance
        texts.append(provenance.plugin)
        texts.append(provenance.source)
        texts.append(contentsOf: provenance.redirects)
        texts.append(contentsOf: provenance.registrableDomains)
    }

    /// Whether any string of `result` holds `token` (bytes compared, so a match inside a
    /// Character counts too): a batch's stand-in token must not already occur in the data, or
    /// filling in the address would replace it. Every string a lookup's JSON prints comes from
    /// one of these (a test compares the walk with a `Mirror` walk of a fully set result).
    static func mentions(_ token: String, in result: LookupResult) -> Bool {
        var texts: [String] = []
        collectStrings(of: result, into: &texts)
        return texts.contains { $0.utf8ContainsBytes(of: token) }
    }

    /// Every string stored in the result, field by field (`collectStrings(of:)` for each candidate).
    static func collectStrings(of result: LookupResult, into texts: inout [String]) {
        texts += [result.email.localPart, result.email.domain, result.email.unicodeDomain]
        for candidate in result.candidates { collectStrings(of: candidate, into: &texts) }
        if let unsupported = result.unsupported { collectStrings(of: unsupported, into: &texts) }
        for report in result.reports {
            texts.append(report.plugin)
            if let failure = report.failure { texts.append(failure.message) }
        }
        if let note = result.nonexistentDomain { texts.append(note) }
        if let note = result.patienceNote { texts.append(note) }
    }

    static func collectStrings(of unsupported: UnsupportedProvider, into texts: inout [String]) {
        for text in [unsupported.providerID, unsupported.displayName, unsupported.explanation, unsupported.url, unsupported.plugin, unsupported.source] {
            if let text { texts.append(text) }
        }
    }

    static func generalize(_ candidate: Candidate, from email: EmailAddress) -> Candidate {
        var copy = candidate
        let address = email.address, encodedAddress = "\(email.localPart)%40\(email.domain)"
        func username(_ value: String?) -> String? {
            guard let value else { return nil }
            if value == email.localPart { return "%EMAILLOCALPART%" }
            // The usual %EMAILADDRESS% username: what the replacing calls would make of it.
            if value == address { return "%EMAILADDRESS%" }
            return text(value)
        }
        func text(_ value: String) -> String {
            var value = value
            // Most texts hold neither: skip the `replacing` calls (each builds a search table).
            if value.mayContainCharacters(of: address) { value = value.replacing(address, with: "%EMAILADDRESS%") }
            if value.mayContainCharacters(of: encodedAddress) { value = value.replacing(encodedAddress, with: "%EMAILADDRESS%") }
            return value
        }
        copy.configuration.incoming = candidate.configuration.incoming.map { server in
            var item = server
            item.username = username(server.username)
            return item
        }
        copy.configuration.outgoing = candidate.configuration.outgoing.map { server in
            var item = server
            item.username = username(server.username)
            return item
        }
        copy.configuration.collaboration = candidate.configuration.collaboration.map { service in
            var item = service
            item.username = username(service.username)
            return item
        }
        copy.provenance.source = text(candidate.provenance.source)
        copy.provenance.redirects = candidate.provenance.redirects.map(text)
        return copy
    }

    static func specialize(_ candidate: Candidate, to email: EmailAddress, realName: String?) -> Candidate {
        let placeholders = Placeholders(email: email, realName: realName)
        var copy = candidate
        copy.configuration = placeholders.expand(candidate.configuration)
        copy.provenance.source = placeholders.expand(candidate.provenance.source)
        copy.provenance.redirects = candidate.provenance.redirects.map(placeholders.expand)
        return copy
    }

    /// `result` (for another address of the same domain) as the result for `email`, or nil when
    /// the answer depends on the address (look `email` up itself).
    static func rebase(_ result: LookupResult, to email: EmailAddress, realName: String?) -> LookupResult? {
        guard result.email != email else { return result }
        guard let generalized = independent(result) else { return nil }
        return rebase(result, generalized: generalized, to: email, realName: realName)
    }

    /// `rebase` with `independent(result)` already computed (a batch checks once per domain).
    static func rebase(_ result: LookupResult, generalized: [Candidate], to email: EmailAddress, realName: String?) -> LookupResult {
        var copy = result
        copy.email = email
        copy.candidates = generalized.map { specialize($0, to: email, realName: realName) }
        return copy
    }
}

extension String {
    /// True when the UTF-8 bytes of `needle` occur in this string's bytes (no Unicode semantics).
    func utf8ContainsBytes(of needle: String) -> Bool {
        // In place (`withUTF8`): copying both into arrays cost more than the search.
        var text = self, needle = needle
        return text.withUTF8 { bytes in
            needle.withUTF8 { pattern in
                guard let first = pattern.first else { return true }
                guard bytes.count >= pattern.count else { return false }
                var index = 0
                let last = bytes.count - pattern.count
                while index <= last {
                    if bytes[index] == first {
                        var offset = 1
                        while offset < pattern.count && bytes[index + offset] == pattern[offset] { offset += 1 }
                        if offset == pattern.count { return true }
                    }
                    index += 1
                }
                return false
            }
        }
    }

    /// False only when no Character match of `needle` can occur in this string (what
    /// `replacing` and `contains` look for), decided by a byte search: for a needle of ASCII
    /// without `K`, `` ` `` and `;` — the ASCII characters that other characters are canonically
    /// equivalent to (U+212A, U+1FEF, U+037E) — every Character match is a byte match.
    func mayContainCharacters(of needle: String) -> Bool {
        let byteSafe = needle.utf8.allSatisfy { $0 < 0x80 && $0 != UInt8(ascii: "K") && $0 != UInt8(ascii: "`") && $0 != UInt8(ascii: ";") }
        return !byteSafe || utf8ContainsBytes(of: needle)
    }
}

extension String {
    /// The text between the occurrences of `separator` (bytes compared, no Unicode semantics;
    /// `separator` must be ASCII so a match never splits a character); n occurrences, n + 1 pieces.
    func utf8Split(separator: String) -> [String] {
        // In place (`withUTF8`), as utf8ContainsBytes: no copies of the bytes first.
        var text = self, separator = separator
        return text.withUTF8 { bytes in
            separator.withUTF8 { pattern in
                guard !pattern.isEmpty, bytes.count >= pattern.count else { return [String(decoding: bytes, as: UTF8.self)] }
                var pieces: [String] = []
                var start = 0
                var index = 0
                while index <= bytes.count - pattern.count {
                    if bytes[index] == pattern[0] && UnsafeBufferPointer(rebasing: bytes[index..<(index + pattern.count)]).elementsEqual(pattern) {
                        pieces.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
                        index += pattern.count
                        start = index
                    } else {
                        index += 1
                    }
                }
                pieces.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self))
                return pieces
            }
        }
    }
}
