import AutoconfKit

/// `autoconf lookup ADDRESS` with only the everyday flags, recognized without building
/// swift-argument-parser's argument sets. Its parse reflects over every option of the command
/// (`Mirror` of each group, a runtime conformance scan for each property wrapper type) and decodes
/// the result through a `Decoder`: ~22 M of the ~35 M instructions of a whole offline lookup, and
/// half of its time. Most command lines that front ends and scripts run are the address and a
/// few flags, so those are read here.
///
/// Only exact spellings are recognized, each at most once, and the address must not start with
/// `-`. Anything else — another option, a repeated flag, `--`, `--help`, an unknown `--format`,
/// clashing cache flags — gives nil, and the whole command line goes to argument-parser, so its
/// messages, usage lines and exit codes stay the only ones. What a recognized line means is
/// pinned by `QuickLookupTests`, which parses every one both ways and compares the options.
struct QuickLookup {
    var email: String
    var options: AutoconfOptions
    var output: OutputChoice

    private var json = false
    private var cache = false
    private var noCache = false
    private var refresh = false

    /// `arguments` without the program name; nil unless they are `lookup`, one address and
    /// recognized flags.
    init?(_ arguments: [String]) {
        guard arguments.first == "lookup" else { return nil }
        // `autoconf lookup` with no option: every default of the option groups.
        var options = AutoconfOptions()
        options.timeout = .seconds(10)
        options.patience = .seconds(1)
        options.httpTimeout = .seconds(5)
        options.readsUserDirectory = true
        self.options = options
        output = OutputChoice()
        email = ""

        var address: String?
        var seen: Set<String> = []
        var rest = arguments.dropFirst()
        while let argument = rest.popFirst() {
            guard argument.hasPrefix("-") else {
                guard address == nil, !argument.isEmpty else { return nil }
                address = argument
                continue
            }
            var name = argument
            var value: String?
            if argument.hasPrefix("--format=") {
                name = "--format"
                value = String(argument.dropFirst("--format=".count))
            } else if argument == "--format" {
                guard let next = rest.popFirst() else { return nil }
                value = next
            }
            guard seen.insert(name == "-v" ? "--verbose" : name).inserted else { return nil }
            if let value {
                guard let format = OutputOptions.Format(rawValue: value) else { return nil }
                output.format = format
            } else {
                switch name {
                case "--offline": self.options.offline = true
                case "--https-only": self.options.httpsOnly = true
                case "--no-user-providers": self.options.readsUserDirectory = false
                case "--json": json = true
                case "-v", "--verbose": output.verbose = true
                case "--cache": cache = true
                case "--no-cache": noCache = true
                case "--refresh": refresh = true
                default: return nil
                }
            }
        }
        guard let address, !(noCache && (cache || refresh)) else { return nil }
        email = address
        if json { output.format = .json }
        self.options.cache = refresh ? .refresh : cache ? .use : .off
    }
}
