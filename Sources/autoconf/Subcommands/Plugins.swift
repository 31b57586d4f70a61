import ArgumentParser
import AutoconfKit

struct Plugins: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins",
        abstract: "List the sources autoconf can ask, in their default rank.")

    func run() throws {
        let registry = Autoconf().registry
        var rows = [["RANK", "NAME", "NETWORK", "DESCRIPTION"]]
        for (index, plugin) in registry.plugins.enumerated() {
            rows.append([String(index + 1), plugin.name, plugin.needsNetwork ? "yes" : "no", plugin.summary])
        }
        print(TextReport.table(rows).joined(separator: "\n"))
    }
}
