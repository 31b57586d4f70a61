import Foundation

/// Builds the c-ares resolver (its channel reads resolv.conf and starts a thread) on the first
/// query, so a lookup that provider files answer never pays for it.
final class LazyDNSResolver: DNSResolving, @unchecked Sendable {
    private let servers: [String]
    private let lock = NSLock()
    private var resolver: CaresResolver?

    init(servers: [String]) { self.servers = servers }

    private var resolved: CaresResolver {
        lock.lock()
        defer { lock.unlock() }
        if let resolver { return resolver }
        let fresh = CaresResolver(servers: servers)
        resolver = fresh
        return fresh
    }

    func mx(_ name: String) async throws(DNSError) -> DNSAnswer<[MXRecord]> { try await resolved.mx(name) }
    func srv(_ name: String) async throws(DNSError) -> DNSAnswer<[SRVRecord]> { try await resolved.srv(name) }
    func txt(_ name: String) async throws(DNSError) -> DNSAnswer<[String]> { try await resolved.txt(name) }
    func addresses(_ name: String) async throws(DNSError) -> DNSAnswer<[String]> { try await resolved.addresses(name) }
    func cname(_ name: String) async throws(DNSError) -> DNSAnswer<String?> { try await resolved.cname(name) }
}
