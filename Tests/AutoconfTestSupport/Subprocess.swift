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
    // posix_spawn and waitpid rather than Foundation's `Process`, whose exit status waits until
    // every inherited descriptor is closed: a grandchild holding the output pipes held the test
    // for as long as it lived. The child leads a process group of its own, so at the timeout the
    // whole group is killed and the pipes close.
    let argv = executable.hasPrefix("/") ? [executable] + arguments : ["/usr/bin/env", executable] + arguments
    let env = isolatedEnvironment(environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
    var input: [Int32] = [0, 0], output: [Int32] = [0, 0], errors: [Int32] = [0, 0]
    guard pipe(&input) == 0, pipe(&output) == 0, pipe(&errors) == 0 else { throw CommandError("pipe failed") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, input[0], 0)
    posix_spawn_file_actions_adddup2(&actions, output[1], 1)
    posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
    for fd in input + output + errors { posix_spawn_file_actions_addclose(&actions, fd) }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
    posix_spawnattr_setpgroup(&attributes, 0)
    var cArgs = argv.map { strdup($0) } + [nil]
    var cEnv = env.map { strdup($0) } + [nil]
    defer { for pointer in cArgs + cEnv { free(pointer) } }
    let start = Date()
    var child: pid_t = 0
    let rc = posix_spawn(&child, argv[0], &actions, &attributes, &cArgs, &cEnv)
    close(input[0]); close(output[1]); close(errors[1])
    guard rc == 0 else {
        close(input[1]); close(output[0]); close(errors[0])
        throw CommandError("cannot start \(executable): \(String(cString: strerror(rc)))")
    }

    // Threads of their own, not the global queue: its few threads (one per core) are often all
    // blocked in other commands' reads, and a waitpid queued behind them held a test for seconds.
    let group = DispatchGroup()
    let writeEnd = input[1]
    let bytes = Array((stdin ?? "").utf8)
    group.enter()
    Thread.detachNewThread {
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            if written <= 0 { break }
            sent += written
        }
        close(writeEnd)
        group.leave()
    }
    // Read both pipes concurrently so a chatty child never blocks on a full pipe.
    let outData = CollectedOutput(), errData = CollectedOutput()
    for (fd, sink) in [(output[0], outData), (errors[0], errData)] {
        group.enter()
        Thread.detachNewThread { sink.readToEnd(fd); group.leave() }
    }
    let pid = child
    let exited = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var status: Int32 = 0
    Thread.detachNewThread {
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        exited.signal()
    }
    let deadline = DispatchTime.now() + timeout
    if exited.wait(timeout: deadline) == .timedOut || group.wait(timeout: deadline) == .timedOut {
        kill(-child, SIGKILL)
        exited.wait()
        _ = group.wait(timeout: .now() + 5)
    }
    let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return CommandResult(
        status: code, stdout: String(decoding: outData.snapshot(), as: UTF8.self),
        stderr: String(decoding: errData.snapshot(), as: UTF8.self), milliseconds: Date().timeIntervalSince(start) * 1000)
}

/// A command that could not be started.
public struct CommandError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Bytes read from a pipe so far, readable while the reader still waits for more.
private final class CollectedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func readToEnd(_ fd: Int32) {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(fd, &chunk, chunk.count)
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            lock.withLock { data.append(contentsOf: chunk[0..<count]) }
        }
        close(fd)
    }

    func snapshot() -> Data { lock.withLock { data } }
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
