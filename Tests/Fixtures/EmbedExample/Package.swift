// swift-tools-version:6.1
// A package that depends on autoconf by path and runs the README's embedding example
// (Sources/EmbedExample/main.swift is the README's snippet, character for character; a test in
// LibraryHygieneTests compares them). Only the AutoconfKit product is built.
//   swift run --package-path Tests/Fixtures/EmbedExample     (scripts/test does)
import PackageDescription

let package = Package(
    name: "EmbedExample",
    dependencies: [.package(name: "autoconf", path: "../../..")],
    targets: [
        .executableTarget(name: "EmbedExample", dependencies: [.product(name: "AutoconfKit", package: "autoconf")]),
    ]
)
