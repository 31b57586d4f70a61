/// The DNS seam every DNS-based plugin uses. The c-ares resolver implements it; tests may inject
/// their own. Answers say whether the resolver authenticated them (DNSSEC AD bit).
public protocol DNSResolving: Sendable {
    func mx(_ name: String) async throws(DNSError) -> DNSAnswer<[MXRecord]>
    func srv(_ name: String) async throws(DNSError) -> DNSAnswer<[SRVRecord]>
    func txt(_ name: String) async throws(DNSError) -> DNSAnswer<[String]>
    /// A and AAAA records, as text addresses.
    func addresses(_ name: String) async throws(DNSError) -> DNSAnswer<[String]>
    func cname(_ name: String) async throws(DNSError) -> DNSAnswer<String?>
}

public enum DNSResolverKey: ServiceKey {
    public typealias Value = any DNSResolving
}

public struct DNSAnswer<Records: Sendable>: Sendable {
    public var records: Records
    /// The resolver set the AD bit: the answer was DNSSEC-validated.
    public var authenticated: Bool

    public init(records: Records, authenticated: Bool) {
        self.records = records
        self.authenticated = authenticated
    }
}

public struct MXRecord: Sendable, Hashable {
    public var preference: Int
    public var host: String
    public init(preference: Int, host: String) {
        self.preference = preference
        self.host = host
    }
}

public struct SRVRecord: Sendable, Hashable {
    public var priority: Int
    public var weight: Int
    public var port: Int
    /// "." means the service is explicitly not offered (RFC 2782).
    public var target: String
    public init(priority: Int, weight: Int, port: Int, target: String) {
        self.priority = priority
        self.weight = weight
        self.port = port
        self.target = target
    }
}

public enum DNSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The name does not exist.
    case nxdomain(String)
    /// The name exists but has no record of that type.
    case nodata(String)
    case servfail(String)
    case timeout(String)
    /// The asking task was cancelled (the lookup is over); not a statement about the name.
    case cancelled(String)
    case other(String)

    public var description: String {
        switch self {
        case .nxdomain(let name): "\(name): no such domain"
        case .nodata(let name): "\(name): no records of that type"
        case .servfail(let name): "\(name): the DNS server failed"
        case .timeout(let name): "\(name): DNS timed out"
        case .cancelled(let name): "\(name): DNS query cancelled"
        case .other(let what): "DNS error: \(what)"
        }
    }
}
