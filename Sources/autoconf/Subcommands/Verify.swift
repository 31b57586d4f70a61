import ArgumentParser
import AutoconfKit

/// `autoconf verify EMAIL`: `autoconf lookup EMAIL --verify`, with the same option groups.
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Look up the settings for an address and log in to its servers.",
        discussion: """
            The same as `autoconf lookup EMAIL --verify`, with the same options. The password is asked \
            for on the terminal (not echoed) unless --password-stdin or --password-env NAME is given; it \
            is never taken from the command line.

            Exit codes: 0 every login worked, 5 a login failed (or needs OAuth2, or was not confirmed), \
            1 no configuration found, 2 bad input, 3 network failure.

            Examples:
              autoconf verify alice@example.org
              printf '%s\\n' "$PASSWORD" | autoconf verify alice@example.org --password-stdin --json
              autoconf verify alice@example.org --imap mail.example.org --smtp mail.example.org:587 --security starttls
            """)

    @Argument(help: "The email address, e.g. alice@example.org.")
    var email: String

    @OptionGroup var options: LookupOptions

    func run() async throws {
        try await Lookup.run(email, autoconf: try options.autoconf(), output: options.output.choice, loginTest: options.login)
    }
}
