import AutoconfKit
@testable import AutoconfService
import AutoconfTestSupport
import Foundation
import Testing

/// `autoconf serve` and `autoconf-serve` as processes: the CLI execs the sibling binary, the
/// service logs one line per request without the address, and SIGTERM stops it cleanly.
@Suite struct ServeCommandTests {
    /// Starts `binary ARGS`, waits for its "listening" log line and returns the process, its port
    /// and a reader of everything it logged so far.
    final class ServeProcess: @unchecked Sendable {
        let process = Process()
        let log = TestPaths.temporaryDirectory("serve-log").appendingPathComponent("stderr")
        var port = 0

        init(_ binary: String, _ arguments: [String]) throws {
            FileManager.default.createFile(atPath: log.path, contents: nil)
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
            process.environment = isolatedEnvironment(ProcessInfo.processInfo.environment)
            process.standardError = try FileHandle(forWritingTo: log)
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                if let line = output.split(separator: "\n").first(where: { $0.contains("listening") }),
                   let range = line.range(of: #"127\.0\.0\.1:[0-9]+"#, options: .regularExpression) {
                    port = Int(line[range].split(separator: ":").last ?? "") ?? 0
                    return
                }
                if !process.isRunning { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            throw ServeError.notListening(output)
        }

        var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        func terminate() -> Int32 {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            return process.terminationStatus
        }

        deinit { if process.isRunning { process.terminate() } }
    }

    enum ServeError: Error { case notListening(String) }

    @Test func autoconfServeRunsTheServiceLogsEachRequestAndStopsOnSIGTERM() async throws {
        let serve = try ServeProcess(TestPaths.autoconfBinary.path, ["serve", "--listen", "127.0.0.1:0", "--no-user-providers"])
        let response = try await curl("http://127.0.0.1:\(serve.port)/v1/lookup?email=secret.person%40gmail.com&offline=1")
        #expect(response.status == 200)
        #expect((response.json?["incoming"] as? [String: Any])?["host"] as? String == "imap.gmail.com")
        let page = try await curl("http://127.0.0.1:\(serve.port)/")
        #expect(page.status == 200 && page.headers["content-type"]?.hasPrefix("text/html") == true)
        #expect(serve.terminate() == 0)
        let log = serve.output
        let requestLines = log.split(separator: "\n").filter { $0.contains("request") && $0.contains("path=/v1/lookup") }
        #expect(requestLines.count == 1, "\(log)")
        #expect(requestLines.first?.contains("status=200") == true)
        #expect(requestLines.first?.contains("method=GET") == true)
        #expect(requestLines.first?.contains("duration_ms=") == true)
        #expect(!log.contains("secret.person"))
    }

    @Test func autoconfServeWithoutTheSiblingBinaryIsOneLineAndExitFour() async throws {
        let directory = TestPaths.temporaryDirectory("lonely")
        let copy = directory.appendingPathComponent("autoconf")
        try FileManager.default.copyItem(at: TestPaths.autoconfBinary, to: copy)
        let result = try await runCommandAsync(copy.path, ["serve", "--listen", "127.0.0.1:0"])
        #expect(result.status == 4)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("autoconf-serve"))
    }

    @Test func badOptionsAreOneLineAndExitTwo() async throws {
        for arguments in [["--listen", "nowhere"], ["--listen", "127.0.0.1:99999"], ["--tls-cert", "/nonexistent.pem"], ["--cache", "mysql://x"], ["--rate", "-1"], ["--bogus"]] {
            let result = try await runCommandAsync(serveBinary.path, arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix("autoconf serve: "))
        }
        let busy = try ServeProcess(serveBinary.path, ["--listen", "127.0.0.1:0"])
        let taken = try await runCommandAsync(serveBinary.path, ["--listen", "127.0.0.1:\(busy.port)"])
        #expect(taken.status == 3, "\(taken.stderr)")
        #expect(busy.terminate() == 0)
    }

    @Test func severalListenersIncludingIPv6() async throws {
        let service = try await RunningService(serviceConfiguration { $0.listen = [ListenAddress(host: "127.0.0.1", port: 0), ListenAddress(host: "::1", port: 0)] })
        defer { Task { await service.stop() } }
        #expect(service.ports.count == 2)
        #expect(try await curl("http://127.0.0.1:\(service.ports[0])/healthz").status == 200)
        let v6 = try await curl("http://[::1]:\(service.ports[1])/healthz")
        #expect(v6.status == 200 || v6.status <= 0)  // a machine without IPv6 loopback cannot connect at all
    }

    @Test func listenAddressesParse() {
        #expect(ListenAddress.parse("127.0.0.1:8080") == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(ListenAddress.parse("[::1]:8443") == ListenAddress(host: "::1", port: 8443))
        #expect(ListenAddress.parse("9000") == ListenAddress(host: "127.0.0.1", port: 9000))
        #expect(ListenAddress.parse("localhost:1") == ListenAddress(host: "localhost", port: 1))
        for bad in ["", "::1:80", "[::1]", "host:", "host:http", "1.2.3.4:70000", "[1.2.3.4]:80", "a b:80"] { #expect(ListenAddress.parse(bad) == nil, "\(bad)") }
    }

    @Test func theServiceSpeaksTLSWithTheGivenCertificate() async throws {
        let (certificate, key) = try TestCA.shared.issue(["serve.test"])
        let service = try await RunningService(serviceConfiguration { $0.tlsCertificate = certificate; $0.tlsKey = key })
        defer { Task { await service.stop() } }
        let response = try await curl("https://serve.test:\(service.port)/v1/lookup?email=a%40gmail.com&offline=1",
                                      extra: ["--cacert", TestCA.shared.caFile, "--resolve", "serve.test:\(service.port):127.0.0.1"])
        #expect(response.status == 200)
        let plain = try await curl("http://127.0.0.1:\(service.port)/healthz", timeout: 5)
        #expect(plain.status != 200)
    }
}
