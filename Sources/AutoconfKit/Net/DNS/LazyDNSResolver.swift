#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// The lookup's DNS layer, each part built on its first query, so a lookup that provider files
/// answer never pays for any of it and one that only resolves addresses never loads libunbound:
///
/// - records (MX, SRV, TXT, CNAME): `UnboundResolver`, validated in-process from `trustAnchor`;
///   with `trustsAD` (`--trust-resolver-ad`) instead c-ares, believing the loopback resolver's AD bit;
/// - addresses (A/AAAA): c-ares.
final class LazyDNSResolver: DNSResolving, Sendable {
    private let servers: [String]
    private let trustsAD: Bool
    private let trustAnchor: DNSTrustAnchor
    private let cares: LazyCaresResolver
    private let unbound = Mutex<UnboundResolver?>(nil)
    private let keyCheck = Mutex<Task<Bool, Never>?>(nil)

    init(servers: [String], trustsAD: Bool = false, trustAnchor: DNSTrustAnchor = .root) {
        self.servers = servers
        self.trustsAD = trustsAD
        self.trustAnchor = trustAnchor
        self.cares = LazyCaresResolver(servers: servers, trustsAD: trustsAD)
    }

    private var records: any DNSResolving {
        if trustsAD { return cares }
        return unbound.withLock { resolver in
            if let resolver { return resolver }
            let fresh = UnboundResolver(servers: servers, trustAnchor: trustAnchor, addresses: cares)
            resolver = fresh
            return fresh
        }
    }

    func mx(_ name: String) async throws(DNSError) -> DNSAnswer<[MXRecord]> {
        do { return try await records.mx(name) } catch { try await downgradeOrThrow(error); return try await cares.mx(name) }
    }
    func srv(_ name: String) async throws(DNSError) -> DNSAnswer<[SRVRecord]> {
        do { return try await records.srv(name) } catch { try await downgradeOrThrow(error); return try await cares.srv(name) }
    }
    func txt(_ name: String) async throws(DNSError) -> DNSAnswer<[String]> {
        do { return try await records.txt(name) } catch { try await downgradeOrThrow(error); return try await cares.txt(name) }
    }
    func addresses(_ name: String) async throws(DNSError) -> DNSAnswer<[String]> { try await cares.addresses(name) }
    func cname(_ name: String) async throws(DNSError) -> DNSAnswer<String?> {
        do { return try await records.cname(name) } catch { try await downgradeOrThrow(error); return try await cares.cname(name) }
    }

    /// A bogus answer is refused — unless the resolvers cannot show any chain of trust at all:
    /// when they do not even hand out the trust anchor zone's DNSKEY records (a resolver that
    /// strips DNSSEC, or one that only knows private zones such as `.test`), nothing can be
    /// validated, and the record is asked again without validation: unsigned, never trusted.
    /// This is systemd-resolved's "allow-downgrade": a path that can carry DNSSEC is held to
    /// it (forged, stripped or tampered signatures stay bogus), one that cannot is plain DNS.
    private func downgradeOrThrow(_ error: DNSError) async throws(DNSError) {
        guard case .bogus = error, !trustsAD, let owner = trustAnchor.ownerName else { throw error }
        if await resolversServeKeys(of: owner) { throw error }
    }

    /// Asked once per resolver set.
    private func resolversServeKeys(of owner: String) async -> Bool {
        let task = keyCheck.withLock { task in
            if let task { return task }
            let cares = self.cares
            let fresh = Task { await cares.servesKeys(of: owner) }
            task = fresh
            return fresh
        }
        return await task.value
    }
}

/// The c-ares resolver (its channel reads resolv.conf and starts a thread), built on first use.
final class LazyCaresResolver: DNSResolving, Sendable {
    private let servers: [String]
    private let trustsAD: Bool
    private let resolver = Mutex<CaresResolver?>(nil)

    init(servers: [String], trustsAD: Bool = false) {
        self.servers = servers
        self.trustsAD = trustsAD
    }

    private var resolved: CaresResolver {
        resolver.withLock { resolver in
            if let resolver { return resolver }
            let fresh = CaresResolver(servers: servers, trustsAD: trustsAD)
            resolver = fresh
            return fresh
        }
    }

    func servesKeys(of owner: String) async -> Bool { await resolved.servesKeys(of: owner) }
    func mx(_ name: String) async throws(DNSError) -> DNSAnswer<[MXRecord]> { try await resolved.mx(name) }
    func srv(_ name: String) async throws(DNSError) -> DNSAnswer<[SRVRecord]> { try await resolved.srv(name) }
    func txt(_ name: String) async throws(DNSError) -> DNSAnswer<[String]> { try await resolved.txt(name) }
    func addresses(_ name: String) async throws(DNSError) -> DNSAnswer<[String]> { try await resolved.addresses(name) }
    func cname(_ name: String) async throws(DNSError) -> DNSAnswer<String?> { try await resolved.cname(name) }
}
