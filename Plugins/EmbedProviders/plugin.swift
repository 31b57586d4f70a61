import Foundation
import PackagePlugin

/// Embeds every `Providers/*.xml` file into the target as generated Swift source, so the bundled
/// providers travel inside the binary (SwiftPM resources on Linux live in a separate bundle
/// directory, which an `autoconf` copied elsewhere would lose).
@main
struct EmbedProviders: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let providers = context.package.directoryURL.appending(path: "Providers")
        let files = (try? FileManager.default.contentsOfDirectory(at: providers, includingPropertiesForKeys: nil)) ?? []
        let inputs = files.filter { $0.pathExtension == "xml" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "BundledProviderData.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) provider files",
                executable: try context.tool(named: "ProviderEmbedder").url,
                arguments: [output.path] + inputs.map(\.path),
                inputFiles: inputs + [providers],
                outputFiles: [output]
            )
        ]
    }
}
