#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Turns a lookup result for one address into one for any address of the same domain: usernames
/// (and any source or redirect that carries the address) go back to placeholders, which are then
/// expanded for the other address. The cache and batch deduplication share answers per domain
/// this way, so neither ever hands one user's login name to another — nor stores it on disk.
enum AddressTemplating {
    static func generalize(_ candidate: Candidate, from email: EmailAddress) -> Candidate {
        var copy = candidate
        func username(_ value: String?) -> String? {
            guard let value else { return nil }
            if value == email.localPart { return "%EMAILLOCALPART%" }
            return text(value)
        }
        func text(_ value: String) -> String {
            value.replacing(email.address, with: "%EMAILADDRESS%")
                .replacing("\(email.localPart)%40\(email.domain)", with: "%EMAILADDRESS%")
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

    /// `result` (for another address of the same domain) as the result for `email`.
    static func rebase(_ result: LookupResult, to email: EmailAddress, realName: String?) -> LookupResult {
        guard result.email != email else { return result }
        var copy = result
        copy.email = email
        copy.candidates = result.candidates.map { specialize(generalize($0, from: result.email), to: email, realName: realName) }
        return copy
    }
}
