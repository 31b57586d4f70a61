import AutoconfKit

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
    default:
        fatalError("unknown FUZZ_TARGET \(target)")
    }
    return 0
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
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { fuzz($0, $1) }
}
