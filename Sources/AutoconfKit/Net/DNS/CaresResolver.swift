import CCares

/// `DNSResolving` on c-ares: the system's resolvers (resolv.conf) or the servers given with
/// `--dns-server`, many queries at once on one channel, each bounded by its own timeout clipped to
/// the lookup deadline (`DNSDeadline.current`) and ended at once by task cancellation.
///
/// Every query asks for DNSSEC status (AD bit in the header and DO in EDNS, RFC 6840 §5.7), and
/// an answer is `authenticated` only when the resolver set AD *and* `trustsAD` is on: the AD
/// bit travels unprotected, so any resolver on the path (a hostile Wi-Fi's) can forge it. By
/// default nothing from c-ares is authenticated (`--trust-resolver-ad` opts in for a validating
/// resolver on loopback). Records are parsed by c-ares' own parsers.
package final class CaresResolver: DNSResolving, @unchecked Sendable {
    /// Per-query limit when the lookup deadline is further away.
    package let queryTimeout: Duration
    /// The channel, or why it could not be set up (every query then fails with that).
    private let loop: Result<CaresEventLoop, DNSError>
    /// Whether the resolver's AD bit is believed (off by default, see above).
    package let trustsAD: Bool

    /// - Parameters:
    ///   - servers: `HOST[:PORT]` entries (IP addresses; IPv6 in brackets when a port is given);
    ///     empty uses the system's resolvers.
    ///   - attemptTimeout: c-ares' timeout for one try on one server (doubled on each round).
    ///   - tries: c-ares' tries per server.
    package init(servers: [String] = [], queryTimeout: Duration = .seconds(5), attemptTimeout: Duration = .milliseconds(1500), tries: Int = 3, trustsAD: Bool = false) {
        self.queryTimeout = queryTimeout
        self.trustsAD = trustsAD
        loop = Result { () throws(DNSError) in
            let csv = try servers.isEmpty ? nil : DNSServerAddress.parseAll(servers).map(\.caresForm).joined(separator: ",")
            return try CaresEventLoop(servers: csv, attemptTimeout: attemptTimeout, tries: tries)
        }
    }

    deinit { (try? loop.get())?.shutdown() }

    package func mx(_ name: String) async throws(DNSError) -> DNSAnswer<[MXRecord]> {
        let response = try await query(name, type: ns_t_mx)
        return DNSAnswer(records: try CaresParsers.mx(response.bytes, name: name), authenticated: response.authenticated)
    }

    package func srv(_ name: String) async throws(DNSError) -> DNSAnswer<[SRVRecord]> {
        let response = try await query(name, type: ns_t_srv)
        return DNSAnswer(records: try CaresParsers.srv(response.bytes, name: name), authenticated: response.authenticated)
    }

    package func txt(_ name: String) async throws(DNSError) -> DNSAnswer<[String]> {
        let response = try await query(name, type: ns_t_txt)
        return DNSAnswer(records: try CaresParsers.txt(response.bytes, name: name), authenticated: response.authenticated)
    }

    /// A and AAAA at once. Fails only when both fail; an empty family is not an error.
    package func addresses(_ name: String) async throws(DNSError) -> DNSAnswer<[String]> {
        async let v4 = resultOf { () async throws(DNSError) in
            let response = try await self.query(name, type: ns_t_a)
            return DNSAnswer(records: try CaresParsers.ipv4(response.bytes, name: name), authenticated: response.authenticated)
        }
        async let v6 = resultOf { () async throws(DNSError) in
            let response = try await self.query(name, type: ns_t_aaaa)
            return DNSAnswer(records: try CaresParsers.ipv6(response.bytes, name: name), authenticated: response.authenticated)
        }
        let (a, aaaa) = await (v4, v6)
        switch (a, aaaa) {
        case (.success(let a), .success(let aaaa)):
            return DNSAnswer(records: a.records + aaaa.records, authenticated: a.authenticated && aaaa.authenticated)
        case (.success(let answer), .failure(let error)), (.failure(let error), .success(let answer)):
            // NODATA for one family is normal (IPv4-only hosts); anything else is not, but the
            // other family's addresses still answer the question.
            _ = error
            return answer
        case (.failure(let error), .failure(let other)):
            // Prefer the more telling error: NXDOMAIN over NODATA over the rest.
            if case .nxdomain = error { throw error }
            if case .nxdomain = other { throw other }
            if case .nodata = other { throw error }
            throw error
        }
    }

    /// The canonical name `name` is an alias for (nil when it is no alias), read from the A
    /// query's answer with c-ares' parser, which follows the CNAME chain.
    package func cname(_ name: String) async throws(DNSError) -> DNSAnswer<String?> {
        let response = try await query(name, type: ns_t_a)
        let alias = try CaresParsers.alias(response.bytes, name: name)
        return DNSAnswer(records: alias, authenticated: response.authenticated)
    }

    // MARK: - One query

    struct Response {
        var bytes: [UInt8]
        var authenticated: Bool
    }

    /// Whether the resolvers hand out a zone's DNSKEY records at all (`owner` may be "." for the
    /// root): a resolver that does not cannot show any chain of trust.
    func servesKeys(of owner: String) async -> Bool {
        guard let response = try? await query(owner, type: ns_t_dnskey) else { return false }
        return response.bytes.count >= 12
    }

    func query(_ name: String, type: ns_type) async throws(DNSError) -> Response {
        let loop = try self.loop.get()
        guard name == "." || Hostname.isValid(name.hasSuffix(".") ? String(name.dropLast()) : name) else { throw .other("'\(name.prefix(80))' is not a valid DNS name") }
        let query = try Self.makeQuery(name, type: Int32(type.rawValue))
        let deadline = DNSDeadline.clipped(queryTimeout)
        if Task.isCancelled { throw .cancelled(name) }
        let outcome = await loop.ask(query, deadline: deadline)
        switch outcome {
        case .timeout: throw .timeout(name)
        case .cancelled: throw .cancelled(name)
        case .failed(let message): throw .other(message)
        case .response(let response):
            let bytes = response.bytes
            try Self.check(status: response.status, bytes: bytes, name: name)
            let authenticated = trustsAD && bytes.count >= 12 && bytes.withUnsafeBufferPointer { autoconf_dns_authenticated_data($0.baseAddress!) != 0 }
            return Response(bytes: bytes, authenticated: authenticated)
        }
    }

    /// A recursive query with EDNS (1232-byte UDP payload), asking for AD and DO.
    static func makeQuery(_ name: String, type: Int32) throws(DNSError) -> [UInt8] {
        var buffer: UnsafeMutablePointer<UInt8>?
        var length: Int32 = 0
        let rc = ares_create_query(name, Int32(ns_c_in.rawValue), type, 0, 1, &buffer, &length, 1232)
        guard rc == ARES_SUCCESS, let buffer else { throw .other("cannot build a DNS query for '\(name.prefix(80))': \(CaresEventLoop.describe(rc))") }
        defer { ares_free_string(buffer) }
        autoconf_dns_request_authenticated_data(buffer)
        _ = autoconf_dns_set_dnssec_ok(buffer, length)
        return Array(UnsafeBufferPointer(start: buffer, count: Int(length)))
    }

    /// Maps c-ares' status and the response code to the seam's errors. ares_send reports the
    /// transport; the response code is read from the header here (as ares_query would).
    static func check(status: Int32, bytes: [UInt8], name: String) throws(DNSError) {
        switch status {
        case ARES_SUCCESS: break
        case ARES_ENOTFOUND: throw .nxdomain(name)
        case ARES_ENODATA: throw .nodata(name)
        case ARES_ESERVFAIL: throw .servfail(name)
        case ARES_ETIMEOUT: throw .timeout(name)
        case ARES_ECANCELLED, ARES_EDESTRUCTION: throw .cancelled(name)
        default: throw .other("\(name): \(CaresEventLoop.describe(status))")
        }
        guard bytes.count >= 12 else { throw .other("\(name): truncated DNS response") }
        let (rcode, answers) = bytes.withUnsafeBufferPointer { (autoconf_dns_rcode($0.baseAddress!), autoconf_dns_ancount($0.baseAddress!)) }
        switch Int(rcode) {
        case Int(ns_r_noerror.rawValue): if answers == 0 { throw .nodata(name) }
        case Int(ns_r_nxdomain.rawValue): throw .nxdomain(name)
        case Int(ns_r_servfail.rawValue): throw .servfail(name)
        case Int(ns_r_refused.rawValue): throw .other("\(name): the DNS server refused the query")
        default: throw .other("\(name): DNS response code \(rcode)")
        }
    }
}

/// Runs a typed-throwing operation and captures its outcome (for `async let` pairs).
func resultOf<T>(_ operation: () async throws(DNSError) -> T) async -> Result<T, DNSError> {
    do throws(DNSError) { return .success(try await operation()) } catch { return .failure(error) }
}
