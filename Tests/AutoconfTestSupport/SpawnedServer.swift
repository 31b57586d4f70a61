import Foundation

/// A Python test server started with posix_spawn and stopped with SIGKILL + waitpid. Unlike
/// Foundation's `Process`, stopping never depends on a run loop noticing SIGCHLD, so a server
/// released on any thread (even while the test process exits) is reaped at once.
public final class SpawnedServer: @unchecked Sendable {
    public let pid: pid_t
    /// The JSON object from the `READY {json}` line.
    public let info: [String: Any]
    private var output: Int32
    private let lock = NSLock()
    private var stopped = false

    public init(python script: String, _ arguments: [String], readyTimeout: Duration = .seconds(20)) throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw ServerError("pipe failed") }
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        let argv = ["/usr/bin/env", "python3", "-u", TestPaths.servers.appendingPathComponent(script).path] + arguments
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArgs { free(pointer) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, "/usr/bin/env", &actions, nil, &cArgs, environ)
        close(fds[1])
        guard rc == 0 else {
            close(fds[0])
            throw ServerError("cannot start \(script): \(String(cString: strerror(rc)))")
        }
        pid = child
        output = fds[0]

        var buffer = [UInt8]()
        let deadline = ContinuousClock.now.advanced(by: readyTimeout)
        var ready: [String: Any]?
        while ready == nil, ContinuousClock.now < deadline {
            var poller = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 200) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = read(output, &chunk, chunk.count)
            if count <= 0 { break }
            buffer += chunk[0..<count]
            while let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                if line.hasPrefix("READY") {
                    let json = line.dropFirst(5).trimmingCharacters(in: .whitespaces)
                    ready = (try? JSONSerialization.jsonObject(with: Data((json.isEmpty ? "{}" : json).utf8))) as? [String: Any] ?? [:]
                }
            }
        }
        guard let ready else {
            kill(child, SIGKILL)
            var status: Int32 = 0
            waitpid(child, &status, 0)
            close(output)
            throw ServerError("\(script) did not become ready")
        }
        info = ready
    }

    public func port(_ key: String) -> Int { (info[key] as? Int) ?? 0 }

    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        close(output)
    }

    deinit { stop() }
}
