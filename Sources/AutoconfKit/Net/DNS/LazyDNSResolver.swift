#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// Builds the c-ares resolver (its channel reads resolv.conf and starts a thread) on the first
/// query, so a lookup that provider files answer never pays for it.
final class LazyDNSResolver: DNSResolving, Sendable {
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

    func mx(_ name: String) async throws(DNSError) -> DNSAnswer<[MXRecord]> { try await resolved.mx(name) }
    func srv(_ name: String) async throws(DNSError) -> DNSAnswer<[SRVRecord]> { try await resolved.srv(name) }
    func txt(_ name: String) async throws(DNSError) -> DNSAnswer<[String]> { try await resolved.txt(name) }
    func addresses(_ name: String) async throws(DNSError) -> DNSAnswer<[String]> { try await resolved.addresses(name) }
    func cname(_ name: String) async throws(DNSError) -> DNSAnswer<String?> { try await resolved.cname(name) }
}
