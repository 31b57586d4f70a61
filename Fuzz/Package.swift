// swift-tools-version:6.1
import PackageDescription

/// libFuzzer targets for autoconf's parsers of remote and user data. A separate package so the
/// main `swift build --build-tests` never sees `-sanitize=fuzzer` (these binaries only link with
/// it). Build and run with `scripts/fuzz SECONDS`; one binary, the target chosen by FUZZ_TARGET.
let package = Package(
    name: "autoconf-fuzz",
    dependencies: [.package(name: "autoconf", path: "..")],
    targets: [
        .executableTarget(
            name: "AutoconfFuzz",
            dependencies: [.product(name: "AutoconfKit", package: "autoconf")],
            // libFuzzer's main is linked into this binary only; everything else (AutoconfKit, and
            // the build tool ProviderEmbedder) gets ASan + coverage from scripts/fuzz's flags.
            swiftSettings: [.unsafeFlags(["-parse-as-library", "-sanitize=fuzzer,address"])],
            linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address"])]
        ),
    ]
)
