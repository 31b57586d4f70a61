import Foundation

/// Runs a command to completion and captures its output (for end-to-end tests of the CLI and for
/// tools such as openssl).
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var milliseconds: Double
}

public func runCommand(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, stdin: String? = nil, timeout: TimeInterval = 60) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
    process.arguments = executable.hasPrefix("/") ? arguments : [executable] + arguments
    process.environment = isolatedEnvironment(environment ?? ProcessInfo.processInfo.environment)
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    let start = Date()
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try? input.fileHandleForWriting.close()
    // Read both pipes concurrently so a chatty child never blocks on a full pipe.
    nonisolated(unsafe) var outData = Data(), errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    group.enter()
    DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    if group.wait(timeout: .now() + timeout) == .timedOut {
        process.terminate()
        group.wait()
    }
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self), milliseconds: Date().timeIntervalSince(start) * 1000)
}

/// `environment` with HOME, XDG_CACHE_HOME and XDG_CONFIG_HOME pointing into a temporary
/// directory unless the test already chose its own: no command a test runs ever reads or writes
/// the user's home (caches, provider files).
public func isolatedEnvironment(_ environment: [String: String]) -> [String: String] {
    var environment = environment
    let realHome = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
    func isReal(_ key: String) -> Bool {
        guard let value = environment[key] else { return true }
        return value == realHome || value.hasPrefix(realHome + "/")
    }
    let home = isolatedHome
    if isReal("HOME") { environment["HOME"] = home.path }
    if isReal("XDG_CACHE_HOME") { environment["XDG_CACHE_HOME"] = home.appendingPathComponent(".cache").path }
    if isReal("XDG_CONFIG_HOME") { environment["XDG_CONFIG_HOME"] = home.appendingPathComponent(".config").path }
    return environment
}

/// One temporary home for the whole test process.
public let isolatedHome: URL = TestPaths.temporaryDirectory("home")

/// `runCommand` off the cooperative thread pool: blocking waits inside async tests would starve
/// other concurrently running tests (the pool has one thread per core).
public func runCommandAsync(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, stdin: String? = nil, timeout: TimeInterval = 60) async throws -> CommandResult {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try runCommand(executable, arguments, environment: environment, stdin: stdin, timeout: timeout) })
        }
    }
}
