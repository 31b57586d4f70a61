import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// `autoconf serve ARGS`: runs the `autoconf-serve` binary beside this one with the same
/// arguments. The service (swift-nio, Hummingbird) lives in its own executable so `autoconf`
/// itself links none of it and starts as fast as before.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve lookups over HTTP, with the setup page (runs autoconf-serve; see 'autoconf serve --help').")

    @Argument(parsing: .allUnrecognized, help: "The options of autoconf-serve.")
    var arguments: [String] = []

    func run() throws { Serve.exec(arguments) }

    /// Replaces this process with `autoconf-serve ARGS`; on failure, one line and exit 4.
    static func exec(_ arguments: [String]) -> Never {
        let path = siblingPath()
        let argv = (["autoconf serve"] + arguments).map { strdup($0) } + [nil]
        execv(path, argv)
        let reason = String(cString: strerror(errno))
        printError("serve: cannot run \(path): \(reason) (autoconf-serve is installed beside autoconf by scripts/install)")
        terminate(Exit.internalError)
    }

    /// `autoconf-serve` in the directory of the running executable (/proc/self/exe).
    static func siblingPath() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let executable = count > 0 ? String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
        let directory = executable.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return (directory.isEmpty ? "." : directory) + "/autoconf-serve"
    }
}
