import AutoconfKit
@testable import AutoconfService
import AutoconfTestSupport
import Foundation
import Logging

/// An in-process service on 127.0.0.1 (port 0), built by `buildApplication` as the executable
/// builds it, and shut down gracefully by `stop()`.
final class RunningService: @unchecked Sendable {
    let server: AutoconfServer
    let task: Task<Void, any Error>
    let ports: [Int]
    var port: Int { ports[0] }
    var base: String { "http://127.0.0.1:\(port)" }

    init(_ configuration: ServiceConfiguration) async throws {
        var configuration = configuration
        if configuration.listen == [ListenAddress(host: "127.0.0.1", port: 8080)] { configuration.listen = [ListenAddress(host: "127.0.0.1", port: 0)] }
        var logger = Logger(label: "autoconf-serve-test")
        logger.logLevel = .warning
        let server = try buildApplication(configuration, logger: logger)
        self.server = server
        task = Task { try await server.run() }
        ports = await server.ports()
        guard ports.count == configuration.listen.count else {
            let outcome = await task.result
            throw StartFailure(reason: "\(outcome)")
        }
    }

    struct StartFailure: Error { var reason: String }

    func stop() async {
        await server.shutdown()
        _ = await task.result
    }

    deinit { task.cancel() }
}

/// The options every test service starts from: offline-safe, no user directory, no environment.
func testOptions() -> AutoconfOptions {
    AutoconfOptions(readsUserDirectory: false, environment: [:])
}

func serviceConfiguration(_ options: AutoconfOptions = testOptions(), change: (inout ServiceConfiguration) -> Void = { _ in }) -> ServiceConfiguration {
    var configuration = ServiceConfiguration(listen: [ListenAddress(host: "127.0.0.1", port: 0)], options: options, ratePerSecond: 0)
    change(&configuration)
    return configuration
}

/// One HTTP exchange made by curl, a real client on a real socket.
struct HTTPExchange: Sendable {
    var status: Int
    var headers: [String: String]
    var body: String
    var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] }
    var error: String? { json?["error"] as? String }
}

func curl(_ url: String, method: String = "GET", body: String? = nil, contentType: String? = "application/json", headers: [String] = [], extra: [String] = [], timeout: TimeInterval = 60) async throws -> HTTPExchange {
    let directory = TestPaths.temporaryDirectory("curl")
    defer { try? FileManager.default.removeItem(at: directory) }
    let headerFile = directory.appendingPathComponent("headers").path
    let bodyFile = directory.appendingPathComponent("body").path
    var arguments = ["-sS", "--max-time", String(Int(timeout)), "-X", method, "-D", headerFile, "-o", bodyFile, "-w", "%{http_code}", "-H", "Expect:"]
    if let body {
        let input = directory.appendingPathComponent("input")
        try Data(body.utf8).write(to: input)
        arguments += ["--data-binary", "@\(input.path)"]
        if let contentType { arguments += ["-H", "Content-Type: \(contentType)"] }
    }
    for header in headers { arguments += ["-H", header] }
    let result = try await runCommandAsync("curl", arguments + extra + [url], timeout: timeout + 5)
    var fields: [String: String] = [:]
    let headerText = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
    for line in headerText.split(separator: "\r\n") {
        guard let colon = line.firstIndex(of: ":") else { continue }
        fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    let responseBody = (try? String(contentsOfFile: bodyFile, encoding: .utf8)) ?? ""
    return HTTPExchange(status: Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1, headers: fields, body: responseBody)
}

/// `text` percent-encoded for a query value.
func query(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
}

/// The built `autoconf-serve` executable, next to `autoconf`.
var serveBinary: URL { TestPaths.autoconfBinary.deletingLastPathComponent().appendingPathComponent("autoconf-serve") }

/// Server-Sent Events from a finished stream body: (event, data) in order.
func serverSentEvents(_ body: String) -> [(event: String, data: String)] {
    body.components(separatedBy: "\n\n").compactMap { block in
        var event = "message", data: [String] = []
        for line in block.split(separator: "\n") {
            if line.hasPrefix("event: ") { event = String(line.dropFirst(7)) }
            if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
        }
        return data.isEmpty ? nil : (event, data.joined(separator: "\n"))
    }
}

func jsonObject(_ text: String) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
}

/// An ISPDB document for example.test with a configurable IMAP host and username.
func ispdbConfig(imap: String = "imap.example.test", username: String = "%EMAILADDRESS%", id: String = "example.test") -> String {
    """
    <?xml version="1.0"?>
    <clientConfig version="1.1"><emailProvider id="\(id)"><domain>\(id)</domain>
    <incomingServer type="imap"><hostname>\(imap)</hostname><port>993</port><socketType>SSL</socketType><authentication>password-cleartext</authentication><username>\(username)</username></incomingServer>
    <outgoingServer type="smtp"><hostname>smtp.example.test</hostname><port>465</port><socketType>SSL</socketType><authentication>password-cleartext</authentication><username>\(username)</username></outgoingServer>
    </emailProvider></clientConfig>
    """
}
