import Foundation

/// A test server running as a child process (a Python stdlib script from Tests/Servers, dnsmasq…)
/// on 127.0.0.1. The script prints one line `READY {json}` (e.g. the ports it bound) when it
/// accepts connections; the process is killed when this object goes away.
public final class ServerProcess: @unchecked Sendable {
    public let process: Process
    /// The JSON object from the READY line.
    public let info: [String: Any]

    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, readyTimeout: TimeInterval = 20) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        if let environment { process.environment = environment }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.standardError
        try process.run()
        self.process = process

        let handle = out.fileHandleForReading
        var buffer = Data()
        let deadline = Date().addingTimeInterval(readyTimeout)
        var ready: [String: Any]?
        while ready == nil, Date() < deadline, process.isRunning || !buffer.isEmpty {
            let chunk = handle.availableData
            if chunk.isEmpty { if !process.isRunning { break }; continue }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                if line.hasPrefix("READY") {
                    let json = line.dropFirst(5).trimmingCharacters(in: .whitespaces)
                    ready = (try? JSONSerialization.jsonObject(with: Data((json.isEmpty ? "{}" : json).utf8))) as? [String: Any] ?? [:]
                }
            }
        }
        guard let ready else {
            process.terminate()
            throw ServerError("\(executable) \(arguments.joined(separator: " ")) did not become ready")
        }
        info = ready
        // Keep draining stdout so the child never blocks on a full pipe.
        handle.readabilityHandler = { $0.availableData.isEmpty ? ($0.readabilityHandler = nil) : () }
    }

    /// Starts `Tests/Servers/NAME` with python3.
    public static func python(_ script: String, _ arguments: [String] = []) throws -> ServerProcess {
        try ServerProcess("python3", ["-u", TestPaths.servers.appendingPathComponent(script).path] + arguments)
    }

    public func port(_ key: String = "port") -> Int { (info[key] as? Int) ?? 0 }

    /// Ends the server without waiting on the calling thread (tests release servers on Swift's
    /// few cooperative threads): SIGTERM now, SIGKILL after a grace period, reaped on a
    /// background queue.
    public func stop() {
        guard process.isRunning else { return }
        let process = self.process
        process.terminate()
        DispatchQueue.global().asyncAfter(deadline: .now() + 2) {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }

    deinit { stop() }
}

public struct ServerError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
