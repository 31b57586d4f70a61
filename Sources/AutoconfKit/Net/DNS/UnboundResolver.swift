#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Where DNSSEC validation starts: which keys autoconf believes.
public enum DNSTrustAnchor: Sendable, Hashable, CustomStringConvertible {
    /// The root zone's key from Debian's dns-root-data (`/usr/share/dns/root.key`).
    case root
    /// DS/DNSKEY lines in a file, as unbound's `trust-anchor-file` (private roots, tests).
    case file(String)
    /// No anchor: nothing validates, every answer is insecure (`--trust-anchor none`).
    case none

    /// Where Debian's dns-root-data package keeps the root zone's trust anchor.
    public static let rootKeyPath = "/usr/share/dns/root.key"

    /// The file libunbound reads (nil for `.none`).
    public var path: String? {
        switch self {
        case .root: Self.rootKeyPath
        case .file(let path): path
        case .none: nil
        }
    }

    /// `root`, `none` or the file, for traces and the cache fingerprint.
    public var description: String {
        switch self {
        case .root: "root (\(Self.rootKeyPath))"
        case .file(let path): path
        case .none: "none"
        }
    }

    /// `--trust-anchor` text: `none`, `root`, or a file.
    public init(argument: String) {
        switch argument {
        case "none": self = .none
        case "root": self = .root
        default: self = .file(argument)
        }
    }

    /// The zone the anchor's keys belong to ("." for the root), from the first DS/DNSKEY line.
    var ownerName: String? {
        switch self {
        case .root: return "."
        case .none: return nil
        case .file(let path):
            guard let bytes = FileReading.contents(atPath: path, limit: 1 << 20) else { return nil }
            for line in String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline) {
                let fields = line.prefix { $0 != ";" }.split(whereSeparator: { $0 == " " || $0 == "\t" })
                if fields.contains("DS") || fields.contains("DNSKEY"), let owner = fields.first { return owner.lowercased() }
            }
            return nil
        }
    }

    /// Nil when usable; otherwise the one-line reason. Reads at most 1 MiB and looks for at least
    /// one DS or DNSKEY record; libunbound parses the records themselves at the first query.
    public var problem: String? {
        guard let path else { return nil }
        let what = self == .root ? "the DNSSEC root trust anchor \(path)" : "--trust-anchor '\(path.prefix(200))'"
        guard let bytes = FileReading.contents(atPath: path, limit: 1 << 20) else {
            return self == .root ? "\(what) cannot be read; install the dns-root-data package" : "\(what) cannot be read (missing, unreadable or over 1 MiB)"
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let hasAnchor = text.split(whereSeparator: \.isNewline).contains { line in
            let fields = line.prefix { $0 != ";" }.split(whereSeparator: { $0 == " " || $0 == "\t" })
            return fields.contains("DS") || fields.contains("DNSKEY")
        }
        return hasAnchor ? nil : "\(what) holds no DS or DNSKEY record"
    }
}

/// `DNSResolving` that validates DNSSEC itself, with libunbound: the record queries (MX, SRV, TXT,
/// CNAME) go through libunbound, which asks the same resolvers as c-ares (`--dns-server`, else
/// /etc/resolv.conf, as forwarders), fetches the DS/DNSKEY records it needs and checks every
/// signature from the trust anchor down. An answer is `authenticated` only when that chain holds
/// (`secure`); an unsigned zone is `insecure`; a broken chain (forged, stripped or tampered
/// signatures, wrong anchor) is `bogus` and thrown as `DNSError.bogus`, never returned as records.
/// The resolver's AD bit plays no part.
///
/// Addresses (A/AAAA) stay with `addresses`, the c-ares resolver: the servers they lead to are
/// authenticated by TLS, and their queries pay no validation round trips.
///
/// Built when a lookup that will ask DNS records starts (`LazyDNSResolver.prepare`) or at the first
/// record query (libunbound is dlopened then), so a lookup that asks no DNS record never loads it.
package final class UnboundResolver: DNSResolving, @unchecked Sendable {
    package let queryTimeout: Duration
    package let trustAnchor: DNSTrustAnchor
    /// The context, or why it could not be set up (every query then fails with that).
    private let loop: Result<UnboundEventLoop, DNSError>
    private let addressResolver: any DNSResolving

    /// - Parameters:
    ///   - servers: `HOST[:PORT]` forwarders (IP addresses); empty uses /etc/resolv.conf's.
    ///   - addresses: answers A/AAAA queries.
    package init(servers: [String] = [], trustAnchor: DNSTrustAnchor = .root, addresses: any DNSResolving, queryTimeout: Duration = .seconds(5)) {
        self.queryTimeout = queryTimeout
        self.trustAnchor = trustAnchor
        self.addressResolver = addresses
        loop = Result { () throws(DNSError) in
            if let problem = trustAnchor.problem { throw .other(problem) }
            let forwarders = try DNSServerAddress.parseAll(servers).map(\.unboundForm)
            return try UnboundEventLoop(.init(forwarders: forwarders, trustAnchorFile: trustAnchor.path))
        }
    }

    deinit { (try? loop.get())?.shutdown() }

    package func mx(_ name: String) async throws(DNSError) -> DNSAnswer<[MXRecord]> {
        let answer = try await query(name, type: 15)
        return DNSAnswer(records: try CaresParsers.mx(answer.packet, name: name), validation: answer.validation)
    }

    package func srv(_ name: String) async throws(DNSError) -> DNSAnswer<[SRVRecord]> {
        let answer = try await query(name, type: 33)
        return DNSAnswer(records: try CaresParsers.srv(answer.packet, name: name), validation: answer.validation)
    }

    package func txt(_ name: String) async throws(DNSError) -> DNSAnswer<[String]> {
        let answer = try await query(name, type: 16)
        return DNSAnswer(records: try CaresParsers.txt(answer.packet, name: name), validation: answer.validation)
    }

    package func addresses(_ name: String) async throws(DNSError) -> DNSAnswer<[String]> {
        try await addressResolver.addresses(name)
    }

    package func cname(_ name: String) async throws(DNSError) -> DNSAnswer<String?> {
        let answer = try await query(name, type: 1)
        return DNSAnswer(records: try CaresParsers.alias(answer.packet, name: name), validation: answer.validation)
    }

    // MARK: - One query

    struct Validated {
        var packet: [UInt8]
        var validation: DNSValidation
    }

    func query(_ name: String, type: Int32) async throws(DNSError) -> Validated {
        let loop = try self.loop.get()
        guard Hostname.isValid(name) else { throw .other("'\(name.prefix(80))' is not a valid DNS name") }
        let deadline = DNSDeadline.clipped(queryTimeout)
        if Task.isCancelled { throw .cancelled(name) }
        let outcome = await loop.ask(UnboundEventLoop.Question(name: name, type: type), deadline: deadline)
        switch outcome {
        case .timeout: throw .timeout(name)
        case .cancelled: throw .cancelled(name)
        case .failed(let message): throw .other("\(name): \(message)")
        case .response(let answer): return try Self.judge(answer, name: name)
        }
    }

    /// Maps libunbound's verdict to the seam: bogus first (whatever the rcode, a bogus answer is
    /// never used, not even as "does not exist"), then the response code, then the records.
    static func judge(_ answer: UnboundEventLoop.Answer, name: String) throws(DNSError) -> Validated {
        if answer.bogus {
            throw .bogus(name, TerminalText.sanitized(answer.whyBogus ?? "the DNSSEC signatures do not validate"))
        }
        let validation: DNSValidation = answer.secure ? .validated : .insecure
        switch answer.rcode {
        case 0:
            guard answer.havedata, answer.packet.count >= 12 else { throw .nodata(name) }
            return Validated(packet: answer.packet, validation: validation)
        case 3: throw .nxdomain(name)
        case 2: throw .servfail(name)
        case 5: throw .other("\(name): the DNS server refused the query")
        default: throw .other("\(name): DNS response code \(answer.rcode)")
        }
    }
}

/// The answer wrapper as the fuzz target `dns-answer` drives it: raw wire bytes through c-ares'
/// parsers, as both resolvers hand them over, and libunbound's verdict flags through `judge`.
@_spi(Fuzzing) public enum DNSAnswerWrapper {
    /// Every record type's parser on `bytes`; the first byte also picks the verdict flags and rcode.
    public static func parseAll(_ bytes: [UInt8]) -> Int {
        let name = "fuzz.example"
        var found = 0
        found += (try? CaresParsers.mx(bytes, name: name).count) ?? 0
        found += (try? CaresParsers.srv(bytes, name: name).count) ?? 0
        found += (try? CaresParsers.txt(bytes, name: name).count) ?? 0
        found += (try? CaresParsers.ipv4(bytes, name: name).count) ?? 0
        found += (try? CaresParsers.ipv6(bytes, name: name).count) ?? 0
        if (try? CaresParsers.canonicalName(bytes, name: name)) != nil { found += 1 }
        if bytes.count >= 12 { _ = try? CaresResolver.check(status: 0, bytes: bytes, name: name) }
        let flags = bytes.first ?? 0
        let verdict = UnboundEventLoop.Answer(
            rcode: Int32(flags & 0x0F), havedata: flags & 0x10 != 0, nxdomain: flags & 0x20 != 0, secure: flags & 0x40 != 0,
            bogus: flags & 0x80 != 0, whyBogus: String(decoding: bytes.prefix(64), as: UTF8.self), packet: bytes)
        do throws(DNSError) {
            let judged = try UnboundResolver.judge(verdict, name: name)
            // A bogus verdict is never an answer; one that is not secure never comes out validated.
            precondition(!verdict.bogus, "a bogus answer was used")
            precondition(judged.validation != .validated || verdict.secure, "an unvalidated answer came out validated")
        } catch {
            if verdict.bogus, case .bogus = error {} else if verdict.bogus { preconditionFailure("a bogus answer was not refused as bogus") }
        }
        return found
    }
}
