import ArgumentParser
import AutoconfKit
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

struct AutoconfCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autoconf",
        abstract: "Find the IMAP, POP3 and SMTP settings for an email address.",
        discussion: """
            autoconf asks every source a mail client could ask — provider files, the provider's own \
            autoconfig, the ISPDB, DNS and more — at once, and prints the best answer with where it \
            came from and how far to trust it.

            Exit codes: 0 found, 1 not found, 2 bad input (address, option or provider file), \
            3 network failure, 4 internal error, 5 login failed (verify, lookup --verify).
            """,
        version: AutoconfVersion.string,
        subcommands: [Lookup.self, Verify.self, Providers.self, Plugins.self, Publish.self, Check.self, Serve.self],
        defaultSubcommand: nil
    )
}

/// The documented exit codes.
enum Exit {
    static let found: Int32 = 0
    static let notFound: Int32 = 1
    static let badInput: Int32 = 2
    static let networkFailure: Int32 = 3
    static let internalError: Int32 = 4
    /// `verify` / `lookup --verify`: a login failed, needs OAuth2, or was not confirmed.
    static let loginFailed: Int32 = 5
}

/// Thrown by subcommands to end with a documented exit code after printing their own output.
struct ExitStatus: Error {
    let code: Int32
}

/// A one-line error for the user, exit code 2.
struct BadInput: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

@main
enum Main {
    static func main() async {
        // Before parsing: every argument, --help included, belongs to autoconf-serve.
        if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == "serve" { Serve.exec(Array(CommandLine.arguments.dropFirst(2))) }
        do {
            if let quick = QuickLookup(Array(CommandLine.arguments.dropFirst())) {
                try await Lookup.run(quick.email, autoconf: checkedAutoconf(quick.options), output: quick.output, loginTest: nil)
                terminate(Exit.found)
            }
            var command = try parsedCommand()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            terminate(Exit.found)
        } catch let status as ExitStatus {
            terminate(status.code)
        } catch let error as BadInput {
            printError(error.description)
            terminate(Exit.badInput)
        } catch let error as AutoconfError {
            printError(error.description)
            terminate(Exit.badInput)
        } catch {
            let code = AutoconfCommand.exitCode(for: error)
            if code == .success {
                print(AutoconfCommand.fullMessage(for: error))
                terminate(0)
            }
            // Usage and validation errors are bad input (2), not argument-parser's 64, and one
            // line: the message, and where the usage is, instead of the usage itself.
            guard code == .validationFailure else {
                printError(AutoconfCommand.message(for: error))
                terminate(Exit.internalError)
            }
            let message = AutoconfCommand.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
            printError("\(message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message) (see 'autoconf help')")
            terminate(Exit.badInput)
        }
    }
}

/// The command line, parsed. When the first argument names a subcommand without subcommands of
/// its own, that subcommand is parsed directly: swift-argument-parser builds each command level's
/// argument set by reflection, and parsing from the root builds the root's and then the
/// subcommand's. Anything but a plain success of that parse — help, `--version`, completion
/// scripts, every error — is parsed again from the root, so its output and exit code are the
/// root's (the usage line, the command path in messages).
func parsedCommand(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) throws -> ParsableCommand {
    if let name = arguments.first,
       let subcommand = AutoconfCommand.configuration.subcommands.first(where: { $0._commandName == name }),
       subcommand.configuration.subcommands.isEmpty,
       let command = try? subcommand.parseAsRoot(Array(arguments.dropFirst())),
       type(of: command) == subcommand {
        return command
    }
    return try AutoconfCommand.parseAsRoot(arguments)
}

/// Ends the process without running `atexit` handlers: cancelled network work may still be
/// winding down on background threads, and library cleanup handlers (OpenSSL's, libxml2's) must
/// not free state under them. Output is flushed first.
func terminate(_ code: Int32) -> Never {
    fflush(nil)  // every C stream (print's stdout among them)
    _exit(code)
}

func printError(_ message: String) {
    StandardStreams.writeError("autoconf: \(TerminalText.sanitized(message))\n")
}
