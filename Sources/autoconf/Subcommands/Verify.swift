import ArgumentParser
import AutoconfKit

/// `autoconf verify EMAIL [lookup options]`: `autoconf lookup EMAIL --verify`.
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Look up the settings for an address and log in to its servers.",
        discussion: """
            Takes every option of `autoconf lookup` (manual servers, --password-stdin, --password-env, \
            --yes, --allow-plaintext, --json…). The password is asked for on the terminal (not echoed) \
            unless --password-stdin or --password-env NAME is given; it is never taken from the command line.

            Exit codes: 0 every login worked, 5 a login failed (or needs OAuth2, or was not confirmed), \
            1 no configuration found, 2 bad input, 3 network failure.

            Examples:
              autoconf verify alice@example.org
              printf '%s\\n' "$PASSWORD" | autoconf verify alice@example.org --password-stdin --json
              autoconf verify alice@example.org --imap mail.example.org --smtp mail.example.org:587 --security starttls
            """)

    @Argument(parsing: .allUnrecognized, help: "The email address, then any `autoconf lookup` options.")
    var arguments: [String] = []

    func run() async throws {
        let lookup = try Lookup.parse(arguments + ["--verify"])
        try await lookup.run()
    }
}
