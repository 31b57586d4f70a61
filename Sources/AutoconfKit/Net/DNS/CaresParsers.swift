import CCares
#if canImport(Glibc)
import Glibc
#endif

/// Turns raw DNS responses into the seam's records with c-ares' own parsers; every structure
/// c-ares allocates is freed before returning. Names come back as c-ares expanded them (without
/// the trailing dot); plugins still validate them, since the data is remote and hostile.
enum CaresParsers {
    /// At most this many records of one answer are used; more is abuse, not configuration.
    static let maximumRecords = 64

    static func mx(_ bytes: [UInt8], name: String) throws(DNSError) -> [MXRecord] {
        var head: UnsafeMutablePointer<ares_mx_reply>?
        let rc = bytes.withUnsafeBufferPointer { ares_parse_mx_reply($0.baseAddress, Int32($0.count), &head) }
        defer { if let head { ares_free_data(head) } }
        try check(rc, name)
        var records: [MXRecord] = []
        var node = head
        while let current = node, records.count < maximumRecords {
            records.append(MXRecord(preference: Int(current.pointee.priority), host: string(current.pointee.host)))
            node = current.pointee.next
        }
        return records
    }

    static func srv(_ bytes: [UInt8], name: String) throws(DNSError) -> [SRVRecord] {
        var head: UnsafeMutablePointer<ares_srv_reply>?
        let rc = bytes.withUnsafeBufferPointer { ares_parse_srv_reply($0.baseAddress, Int32($0.count), &head) }
        defer { if let head { ares_free_data(head) } }
        try check(rc, name)
        var records: [SRVRecord] = []
        var node = head
        while let current = node, records.count < maximumRecords {
            let target = string(current.pointee.host)
            // c-ares expands the root name to "": RFC 2782's "." (service not offered).
            records.append(SRVRecord(
                priority: Int(current.pointee.priority), weight: Int(current.pointee.weight), port: Int(current.pointee.port),
                target: target.isEmpty ? "." : target))
            node = current.pointee.next
        }
        return records
    }

    /// Each TXT record's strings joined (RFC 7208 §3.3), one entry per record.
    static func txt(_ bytes: [UInt8], name: String) throws(DNSError) -> [String] {
        var head: UnsafeMutablePointer<ares_txt_ext>?
        let rc = bytes.withUnsafeBufferPointer { ares_parse_txt_reply_ext($0.baseAddress, Int32($0.count), &head) }
        defer { if let head { ares_free_data(head) } }
        try check(rc, name)
        var records: [[UInt8]] = []
        var node = head
        while let current = node {
            let chunk = current.pointee.txt.map { Array(UnsafeBufferPointer(start: $0, count: current.pointee.length)) } ?? []
            if current.pointee.record_start != 0 || records.isEmpty {
                if records.count >= maximumRecords { break }
                records.append(chunk)
            } else {
                records[records.count - 1] += chunk
            }
            node = current.pointee.next
        }
        return records.map { String(decoding: $0, as: UTF8.self) }
    }

    static func ipv4(_ bytes: [UInt8], name: String) throws(DNSError) -> [String] {
        var entries = [ares_addrttl](repeating: ares_addrttl(), count: maximumRecords)
        var count = Int32(entries.count)
        let rc = bytes.withUnsafeBufferPointer { ares_parse_a_reply($0.baseAddress, Int32($0.count), nil, &entries, &count) }
        try check(rc, name)
        return entries.prefix(Int(max(0, count))).compactMap { entry in
            var address = entry.ipaddr
            return presentation(AF_INET, &address, length: Int(INET_ADDRSTRLEN))
        }
    }

    static func ipv6(_ bytes: [UInt8], name: String) throws(DNSError) -> [String] {
        var entries = [ares_addr6ttl](repeating: ares_addr6ttl(), count: maximumRecords)
        var count = Int32(entries.count)
        let rc = bytes.withUnsafeBufferPointer { ares_parse_aaaa_reply($0.baseAddress, Int32($0.count), nil, &entries, &count) }
        try check(rc, name)
        return entries.prefix(Int(max(0, count))).compactMap { entry in
            var address = entry.ip6addr
            return presentation(AF_INET6, &address, length: Int(INET6_ADDRSTRLEN))
        }
    }

    /// The name at the end of the CNAME chain of an A answer (c-ares' hostent h_name).
    /// The canonical name `name` is an alias for, normalized (lowercase, no trailing dot); nil
    /// when it is no alias.
    static func alias(_ bytes: [UInt8], name: String) throws(DNSError) -> String? {
        let normalized = { (text: String) in (text.hasSuffix(".") ? String(text.dropLast()) : text).lowercased() }
        return try canonicalName(bytes, name: name).map(normalized).flatMap { $0 == normalized(name) ? nil : $0 }
    }

    static func canonicalName(_ bytes: [UInt8], name: String) throws(DNSError) -> String? {
        var host: UnsafeMutablePointer<hostent>?
        let rc = bytes.withUnsafeBufferPointer { ares_parse_a_reply($0.baseAddress, Int32($0.count), &host, nil, nil) }
        defer { if let host { ares_free_hostent(host) } }
        try check(rc, name)
        return host?.pointee.h_name.map { String(cString: $0) }
    }

    private static func check(_ rc: Int32, _ name: String) throws(DNSError) {
        switch rc {
        case ARES_SUCCESS: return
        case ARES_ENODATA: throw .nodata(name)
        case ARES_EBADRESP: throw .other("\(name): malformed DNS response")
        default: throw .other("\(name): \(CaresEventLoop.describe(rc))")
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }

    private static func presentation<T>(_ family: Int32, _ address: inout T, length: Int) -> String? {
        var buffer = [CChar](repeating: 0, count: length + 1)
        let ok = withUnsafeBytes(of: &address) { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(length)) != nil }
        guard ok else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
