#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import AutoconfKit

/// Where the login test's password comes from: standard input (`--password-stdin`), an
/// environment variable the user names (`--password-env NAME`), or a prompt on the terminal with
/// echo off. Never from the command line, which other users can read in the process list.
enum PasswordSource {
    case stdin
    case environment(String)
    case prompt

    func read(prompt text: String) throws -> Secret {
        switch self {
        case .stdin:
            guard let line = Swift.readLine(strippingNewline: true), !line.isEmpty else {
                throw BadInput("--password-stdin: no password on standard input")
            }
            return Secret(line)
        case .environment(let name):
            guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
                throw BadInput("--password-env \(name): the variable is not set or empty")
            }
            return Secret(value)
        case .prompt:
            return try Self.promptOnTerminal(text)
        }
    }

    /// Reads one line from /dev/tty with echo switched off (and restored, whatever happens).
    static func promptOnTerminal(_ text: String) throws -> Secret {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else { throw BadInput("no terminal to ask for the password: use --password-stdin or --password-env NAME") }
        defer { close(fd) }
        var original = termios()
        guard tcgetattr(fd, &original) == 0 else { throw BadInput("cannot switch off echo on the terminal: use --password-stdin") }
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        silent.c_lflag |= tcflag_t(ICANON)
        _ = text.withCString { write(fd, $0, strlen($0)) }
        guard tcsetattr(fd, TCSAFLUSH, &silent) == 0 else { throw BadInput("cannot switch off echo on the terminal: use --password-stdin") }
        defer {
            _ = tcsetattr(fd, TCSAFLUSH, &original)
            _ = "\n".withCString { write(fd, $0, 1) }
        }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while Glibc.read(fd, &byte, 1) == 1, byte != 0x0A, byte != 0x0D, bytes.count < 4096 { bytes.append(byte) }
        defer { for index in bytes.indices { bytes[index] = 0 } }
        guard !bytes.isEmpty else { throw BadInput("no password given") }
        return Secret(String(decoding: bytes, as: UTF8.self))
    }

    /// Asks a yes/no question on the terminal; false when there is none.
    static func confirm(_ question: String) -> Bool {
        guard isatty(STDIN_FILENO) == 1 else { return false }
        StandardStreams.writeError(question)
        guard let answer = Swift.readLine() else { return false }
        return ["y", "yes"].contains(answer.trimmingWhitespace().lowercased())
    }
}
