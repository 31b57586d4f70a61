@_spi(Fuzzing) import AutoconfKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One libFuzzer entry point; `FUZZ_TARGET` selects the parser under test. Every target must only
/// ever return (a bad input is an error value) or, for the property target, trap when the
/// property is broken: libFuzzer records either trap or sanitizer report as a crash.
let target: String = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? "config-xml"
let email = try! EmailAddress("alice@example.com")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    switch target {
    case "config-xml": _ = try? ConfigXMLReader().read(bytes, source: "fuzz")
    case "autodiscover-pox": _ = try? AutodiscoverPOXReader().read(bytes, source: "fuzz")
    case "address":
        let text = String(decoding: bytes, as: UTF8.self)
        if let address = try? EmailAddress(text) { _ = try? address.replacingDomain(address.domain) }
    case "hostport":
        let text = String(decoding: bytes, as: UTF8.self)
        _ = try? ServerAddress.parse(text, field: "fuzz")
        let lines = text.split(separator: "\n").map(String.init)
        _ = ConnectOverrides.parse(resolve: lines, connectTo: lines)
        _ = DNSServerAddress.parse(text)
    case "placeholders":
        let text = String(decoding: bytes, as: UTF8.self)
        _ = Placeholders(email: email, realName: text).expand(text)
    case "export-property": exportProperty(bytes)
    case "autodiscover-v2":
        if let answer = try? AutodiscoverV2Client.answer(from: bytes, url: "https://outlook.office365.test/fuzz") {
            // Accepted: an https URL; whether it names Microsoft is decided on the host libcurl sees.
            guard answer.url.lowercased().hasPrefix("https://") else { fatalError("autodiscover-v2: non-https Url accepted") }
            _ = v2Client.isMicrosoftAnswer(answer)
        }
    case "dns-answer": _ = DNSAnswerWrapper.parseAll(bytes)
    case "cache-file": cacheFile(bytes)
    case "redirect-location": redirectLocation(bytes)
    default:
        fatalError("unknown FUZZ_TARGET \(target)")
    }
    return 0
}

let v2Client = AutodiscoverV2Client(fetcher: NoFetching())
let cache = LookupCache(directory: URL(fileURLWithPath: "/nonexistent"), ttl: .seconds(86400))

struct NoFetching: HTTPFetching {
    func fetch(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse { throw .connect("fuzz: no network") }
}

/// A cache file is untrusted input: whatever it holds, every server that comes out passes the
/// engine's validation (hostnames on their exact bytes, usernames without controls).
func cacheFile(_ bytes: [UInt8]) {
    // The seeds' fingerprint and time, so mutations reach the candidate checks.
    guard let result = cache.result(fromFile: bytes, for: email, fingerprint: "fuzz", now: Date(timeIntervalSince1970: 1_800_000_000)) else { return }
    for candidate in result.candidates {
        for server in candidate.configuration.incoming + candidate.configuration.outgoing {
            if let host = server.hostname, !Hostname.isValid(host) { fatalError("cache-file: invalid hostname \(host.debugDescription) accepted") }
            if let username = server.username, !WireValue.isValid(username) { fatalError("cache-file: username \(username.debugDescription) accepted") }
        }
    }
}

func writeCacheSeed(_ directory: String) {
    let imap = Server(type: .imap, hostname: "imap.example.com", port: 993, socketType: .ssl, username: "%EMAILADDRESS%")
    let smtp = Server(type: .smtp, hostname: "smtp.example.com", port: 465, socketType: .ssl, username: "%EMAILLOCALPART%")
    let configuration = EmailConfiguration(domains: ["example.com"], displayName: "Example", incoming: [imap], outgoing: [smtp])
    let candidate = Candidate(configuration: configuration, trust: .confirm(.unsignedDNS),
                              provenance: Provenance(plugin: "srv", source: "SRV _imaps._tcp.example.com", channel: .dns, dnssecAuthenticated: false))
    let result = LookupResult(email: email, candidates: [candidate], reports: [], elapsedMilliseconds: 1, deadlineReached: false)
    LookupCache(directory: URL(fileURLWithPath: directory)).store(result, fingerprint: "fuzz", now: Date(timeIntervalSince1970: 1_799_999_000))
}

/// A Location value (first line: the request URL, rest: the Location) either is refused or
/// gives an http(s) URL whose host libcurl would connect to, never a downgrade from https.
func redirectLocation(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
    let current = parts.count == 2 ? String(parts[0]) : "https://autoconfig.example.com/mail/config-v1.1.xml"
    let location = parts.count == 2 ? String(parts[1]) : text
    guard let next = try? RedirectFollower.target(of: location, from: current) else { return }
    let lowered = next.lowercased()
    guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://") else { fatalError("redirect-location: \(next.debugDescription) is not http(s)") }
    if current.lowercased().hasPrefix("https://") && !lowered.hasPrefix("https://") { fatalError("redirect-location: downgrade to \(next.debugDescription)") }
    // The host every later decision uses is the one libcurl sees (nil: the next hop refuses the URL).
    _ = URLHost.of(next)
}

/// Any document the reader accepts, expanded for an address, exports in every format either to an
/// error or to files where no value breaks out of its line or its quoting.
func exportProperty(_ bytes: [UInt8]) {
    guard let document = try? ConfigXMLReader().read(bytes, source: "fuzz") else { return }
    let configuration = Placeholders(email: email, realName: "Alice").expand(document.configuration)
    if (try? ConfigXMLReader().read(ConfigXMLWriter.document(for: configuration), source: "reexport")) == nil {
        fatalError("xml: the --format xml output does not read back")
    }
    for format in ExportFormat.allCases {
        guard let files = try? format.export(configuration, email: email, realName: "Alice") else { continue }
        for file in files {
            for scalar in file.contents.unicodeScalars {
                let v = scalar.value
                let bad = v == 0 || (v < 0x20 && v != 0x0A && v != 0x09) || v == 0x7F || v == 0x85 || v == 0x2028 || v == 0x2029
                if bad { fatalError("\(format): control character U+\(String(v, radix: 16)) in \(file.suggestedPath)") }
            }
            for line in file.contents.split(separator: "\n", omittingEmptySubsequences: false) where !line.hasPrefix("#") {
                switch format {
                case .mbsync:
                    if line.filter({ $0 == "\"" }).count % 2 != 0 { fatalError("mbsync: unbalanced quote: \(line)") }
                case .neomutt:
                    if line.filter({ $0 == "'" }).count % 2 != 0 { fatalError("neomutt: unbalanced quote: \(line)") }
                default: break
                }
            }
        }
    }
}

/// SwiftPM links executables with `--defsym main=AutoconfFuzz_main`, so libFuzzer's own `main` is
/// never pulled in: this is the entry point, and it hands over to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

@_cdecl("AutoconfFuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    // FUZZ_WRITE_CACHE_SEED=DIR: writes a cache file the cache-file target accepts (the seed), then exits.
    if let directory = ProcessInfo.processInfo.environment["FUZZ_WRITE_CACHE_SEED"] {
        writeCacheSeed(directory)
        return 0
    }
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { fuzz($0, $1) }
}
