#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// The lookup's DNS layer, each part built on its first query, so a lookup that provider files
/// answer never pays for any of it and one that only resolves addresses never loads libunbound:
///
/// - records (MX, SRV, TXT, CNAME): `UnboundResolver`, validated in-process from `trustAnchor`,
///   unless `DNSSECPath` finds that the resolvers cannot carry DNSSEC (then plain c-ares);
///   with `trustsAD` (`--trust-resolver-ad`) instead c-ares, believing the loopback resolver's AD bit;
/// - addresses (A/AAAA): c-ares.
///
/// Until the path's verdict is in, a record query is sent both ways at once: the validated answer
/// is used as soon as it is not bogus; a bogus one waits for the verdict (refused where the path
/// carries DNSSEC, replaced by the plain answer where it cannot). So a resolver that cannot carry
/// DNSSEC costs one round trip, not libunbound's chain of failing key queries plus two more.
///
/// libunbound's resolver is built on a thread of its own (`BackgroundValue`), never on the task
/// that asks: its dlopen waits for the dynamic loader's lock, which libcurl's load holds for
/// ~15 ms at a lookup's start, and a record query that built it inline blocked a cooperative
/// thread for that long — with two cores, both of them (the second waited for the first), so
/// the plain half of every race, the DNSSEC path question and every other plugin's first query
/// (the probe's names, the SRV records) went out ~10 ms late.
final class LazyDNSResolver: DNSResolving, Sendable {
    private let trustsAD: Bool
    private let trustAnchor: DNSTrustAnchor
    private let cares: LazyCaresResolver
    private let unbound: BackgroundValue<UnboundResolver>
    private let path: DNSSECPath

    /// `beforeValidator` runs on the building thread before libunbound is loaded (tests stand in a
    /// slow load with it).
    init(servers: [String], trustsAD: Bool = false, trustAnchor: DNSTrustAnchor = .root, beforeValidator: (@Sendable () -> Void)? = nil) {
        self.trustsAD = trustsAD
        self.trustAnchor = trustAnchor
        let cares = LazyCaresResolver(servers: servers, trustsAD: trustsAD)
        self.cares = cares
        unbound = BackgroundValue(name: "autoconf-unbound") {
            beforeValidator?()
            return UnboundResolver(servers: servers, trustAnchor: trustAnchor, addresses: cares)
        }
        self.path = DNSSECPath {
            guard let owner = trustAnchor.ownerName else { return true }
            return await cares.servesKeys(of: owner)
        }
    }

    /// Called by the network warm-up before libcurl's load begins, because no thread can be
    /// created while a dlopen holds the loader's lock: makes the c-ares channel and its thread,
    /// and, when the lookup will ask DNS records that may be validated, starts building
    /// libunbound's resolver on its own thread. Returns at once.
    func prepare(records: Bool) {
        cares.prepare()
        if records && !trustsAD { unbound.start() }
    }

    private func validator() async -> UnboundResolver { await unbound.value() }

    /// The validator for the race's validated half: cancelled as soon as the plain half settles
    /// the answer, it must not keep the race waiting for libunbound's load.
    private func racingValidator() async throws(DNSError) -> UnboundResolver {
        guard let resolver = await unbound.valueUnlessCancelled() else { throw .cancelled("DNSSEC validator") }
        return resolver
    }

    func mx(_ name: String) async throws(DNSError) -> DNSAnswer<[MXRecord]> { try await record { resolver async throws(DNSError) in try await resolver.mx(name) } }
    func srv(_ name: String) async throws(DNSError) -> DNSAnswer<[SRVRecord]> { try await record { resolver async throws(DNSError) in try await resolver.srv(name) } }
    func txt(_ name: String) async throws(DNSError) -> DNSAnswer<[String]> { try await record { resolver async throws(DNSError) in try await resolver.txt(name) } }
    func addresses(_ name: String) async throws(DNSError) -> DNSAnswer<[String]> { try await cares.addresses(name) }
    func cname(_ name: String) async throws(DNSError) -> DNSAnswer<String?> { try await record { resolver async throws(DNSError) in try await resolver.cname(name) } }

    private func record<Records: Sendable>(_ ask: @escaping @Sendable (any DNSResolving) async throws(DNSError) -> DNSAnswer<Records>) async throws(DNSError) -> DNSAnswer<Records> {
        // `--trust-resolver-ad` believes the resolver; `--trust-anchor none` validates nothing, so
        // there is nothing to downgrade from: libunbound then only tells insecure answers apart.
        if trustsAD { return try await ask(cares) }
        if trustAnchor == .none { return try await ask(await validator()) }
        switch path.known {
        case true?: return try await ask(await validator())
        case false?: return try await ask(cares)
        case nil: return try await race(ask).get()
        }
    }

    /// Both ways at once while the path's verdict is not in (see the type's comment).
    private func race<Records: Sendable>(_ ask: @escaping @Sendable (any DNSResolving) async throws(DNSError) -> DNSAnswer<Records>) async -> Result<DNSAnswer<Records>, DNSError> {
        let cares = self.cares
        let path = self.path
        return await withTaskGroup(of: RaceEvent<Records>.self) { group in
            group.addTask { .validated(await resultOf { () async throws(DNSError) in try await ask(try await self.racingValidator()) }) }
            group.addTask { .plain(await resultOf { () async throws(DNSError) in try await ask(cares) }) }
            group.addTask { .path(await path.carriesDNSSEC()) }
            var validated: Result<DNSAnswer<Records>, DNSError>?
            var plain: Result<DNSAnswer<Records>, DNSError>?
            var carries: Bool?
            var outcome: Result<DNSAnswer<Records>, DNSError>?
            while outcome == nil, let event = await group.next() {
                switch event {
                case .validated(let result): validated = result
                case .plain(let result): plain = result
                case .path(nil): outcome = .failure(.cancelled("DNSSEC path check"))
                case .path(let verdict?): carries = verdict
                }
                if let validated, !Self.isBogus(validated) || carries == true {
                    outcome = validated
                } else if carries == false, let plain {
                    outcome = plain
                }
            }
            group.cancelAll()
            return outcome ?? .failure(.cancelled("DNS query"))
        }
    }

    private static func isBogus<Records>(_ result: Result<DNSAnswer<Records>, DNSError>) -> Bool {
        if case .failure(.bogus) = result { return true }
        return false
    }
}

private enum RaceEvent<Records: Sendable>: Sendable {
    case validated(Result<DNSAnswer<Records>, DNSError>)
    case plain(Result<DNSAnswer<Records>, DNSError>)
    case path(Bool?)
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

    /// Makes the channel and its thread now (see `LazyDNSResolver.prepare`).
    func prepare() { _ = resolved }

    func servesKeys(of owner: String) async -> Bool { await resolved.servesKeys(of: owner) }
    func mx(_ name: String) async throws(DNSError) -> DNSAnswer<[MXRecord]> { try await resolved.mx(name) }
    func srv(_ name: String) async throws(DNSError) -> DNSAnswer<[SRVRecord]> { try await resolved.srv(name) }
    func txt(_ name: String) async throws(DNSError) -> DNSAnswer<[String]> { try await resolved.txt(name) }
    func addresses(_ name: String) async throws(DNSError) -> DNSAnswer<[String]> { try await resolved.addresses(name) }
    func cname(_ name: String) async throws(DNSError) -> DNSAnswer<String?> { try await resolved.cname(name) }
}
