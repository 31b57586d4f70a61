/// The DNS seam every DNS-based plugin uses. UnboundResolver (records validated in-process, with
/// addresses from c-ares) and CaresResolver implement it; tests may inject their own. Answers say
/// whether they were DNSSEC-authenticated and how (`DNSValidation`).
package protocol DNSResolving: Sendable {
    func mx(_ name: String) async throws(DNSError) -> DNSAnswer<[MXRecord]>
    func srv(_ name: String) async throws(DNSError) -> DNSAnswer<[SRVRecord]>
    func txt(_ name: String) async throws(DNSError) -> DNSAnswer<[String]>
    /// A and AAAA records, as text addresses.
    func addresses(_ name: String) async throws(DNSError) -> DNSAnswer<[String]>
    func cname(_ name: String) async throws(DNSError) -> DNSAnswer<String?>
}

package enum DNSResolverKey: ServiceKey {
    package typealias Value = any DNSResolving
}

package struct DNSAnswer<Records: Sendable>: Sendable {
    package var records: Records
    /// The answer is DNSSEC-authenticated: validated by autoconf, or (`--trust-resolver-ad`) by a
    /// loopback resolver whose AD bit the user chose to believe.
    package var authenticated: Bool
    /// How that was decided (for the trace).
    package var validation: DNSValidation

    /// An answer judged by its AD bit (true: `.resolverAD`, false: `.unchecked`).
    package init(records: Records, authenticated: Bool) {
        self.records = records
        self.authenticated = authenticated
        self.validation = authenticated ? .resolverAD : .unchecked
    }

    package init(records: Records, validation: DNSValidation) {
        self.records = records
        self.validation = validation
        self.authenticated = validation == .validated || validation == .resolverAD
    }
}

/// How an answer's DNSSEC status was established. A bogus answer is no answer: it is thrown as
/// `DNSError.bogus`.
package enum DNSValidation: String, Sendable, Hashable, Codable {
    /// autoconf validated the chain of signatures from its trust anchor (libunbound).
    case validated
    /// autoconf established that no chain of trust covers the name (an unsigned zone, or no anchor).
    case insecure
    /// A loopback resolver set the AD bit and `--trust-resolver-ad` believes it.
    case resolverAD = "resolver-ad"
    /// Nobody validated it (a resolver's AD bit, if any, is not believed).
    case unchecked

    /// For the trace: `validated`, `insecure`, …
    package var traceText: String {
        switch self {
        case .validated: "DNSSEC validated"
        case .insecure: "insecure (unsigned, not DNSSEC-protected)"
        case .resolverAD: "authenticated by the resolver's AD bit (--trust-resolver-ad)"
        case .unchecked: "not DNSSEC-validated"
        }
    }
}

package struct MXRecord: Sendable, Hashable {
    package var preference: Int
    package var host: String
    package init(preference: Int, host: String) {
        self.preference = preference
        self.host = host
    }
}

package struct SRVRecord: Sendable, Hashable {
    package var priority: Int
    package var weight: Int
    package var port: Int
    /// "." means the service is explicitly not offered (RFC 2782).
    package var target: String
    package init(priority: Int, weight: Int, port: Int, target: String) {
        self.priority = priority
        self.weight = weight
        self.port = port
        self.target = target
    }
}

package enum DNSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The name does not exist.
    case nxdomain(String)
    /// The name exists but has no record of that type.
    case nodata(String)
    case servfail(String)
    case timeout(String)
    /// The asking task was cancelled (the lookup is over); not a statement about the name.
    case cancelled(String)
    /// DNSSEC validation failed (forged, stripped or tampered signatures, or a wrong anchor): the
    /// records are refused. The name and libunbound's reason.
    case bogus(String, String)
    case other(String)

    package var description: String {
        switch self {
        case .nxdomain(let name): "\(name): no such domain"
        case .nodata(let name): "\(name): no records of that type"
        case .servfail(let name): "\(name): the DNS server failed"
        case .timeout(let name): "\(name): DNS timed out"
        case .cancelled(let name): "\(name): DNS query cancelled"
        case .bogus(let name, let why): "\(name): DNSSEC bogus, answer refused (\(why))"
        case .other(let what): "DNS error: \(what)"
        }
    }
}
