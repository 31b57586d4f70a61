// swift-tools-version:6.1
import PackageDescription

/// Each C library is a thin system-library target: a modulemap, one shim header, pkg-config and the
/// Debian package that provides it (CCurl, COpenSSL, CUnbound and CLibXML2, loaded at run time, have no pkg-config: see below). The Swift wrappers in
/// AutoconfKit/Net import them, and Formats/XML (libxml2); Verify/ imports CCurl only to read
/// `CURLcode` values.
func systemLibrary(_ name: String, pkgConfig: String, apt: String) -> Target {
    .systemLibrary(name: name, pkgConfig: pkgConfig, providers: [.apt([apt])])
}

let package = Package(
    name: "autoconf",
    products: [
        .library(name: "AutoconfKit", targets: ["AutoconfKit"]),
        .executable(name: "autoconf", targets: ["autoconf"]),
        // The C API (include/autoconf.h): libAutoconfC.so, installed by scripts/install with autoconf.pc.
        .library(name: "AutoconfC", type: .dynamic, targets: ["AutoconfC"]),
        .library(name: "AutoconfService", targets: ["AutoconfService"]),
        .executable(name: "autoconf-serve", targets: ["autoconf-serve"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // The service (AutoconfService, autoconf-serve) only: the `autoconf` binary links none of
        // these, so its start stays as fast as before (`autoconf serve` execs autoconf-serve).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // `autoconf serve --cache postgres://…`: the cache shared by every instance.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // Headers only, and a C target rather than a system library: libxml2 (with ICU, liblzma, libz,
        // libstdc++ behind it) cost every process ~2 ms at startup when linked, so Formats/XML
        // dlopens libxml2.so.2 at the first parse or serialization (Formats/XML/LibXML.swift), and
        // an offline lookup needs neither: the bundled provider files are embedded already parsed
        // (ProviderEmbedder). pkg-config would add -lxml2, and a system library cannot have an
        // include path of its own; libxml2's headers are in /usr/include/libxml2 (libxml2-dev), not
        // on the default path. So include/libxml links to /usr/include/libxml2/libxml, and
        // include/ is the public header path SwiftPM passes (-I) to every target importing the
        // module. include/shim.h switches ICU off (its UErrorCode clashes with Foundation's).
        .target(name: "CLibXML2", path: "Sources/CLibXML2"),
        systemLibrary("CLibIDN2", pkgConfig: "libidn2", apt: "libidn2-dev"),
        systemLibrary("CLibPSL", pkgConfig: "libpsl", apt: "libpsl-dev"),
        // Headers only: no pkg-config (which would add -lcurl) and no `link` in its modulemap.
        // libcurl and its ~30 dependencies cost ~9 ms at every process start when linked, so
        // AutoconfKit dlopens libcurl.so.4 at first use (Net/Native/CurlLibrary.swift). curl.h is
        // on the default include path (/usr/include/x86_64-linux-gnu/curl).
        .systemLibrary(name: "CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        systemLibrary("CCares", pkgConfig: "libcares", apt: "libc-ares-dev"),
        // Headers only as well, for the same reason: pkg-config would add -lssl -lcrypto, and mapping
        // and relocating the two cost every process ~2 ms at startup although only the mail prober
        // (and libcurl) use them. OpenSSLRuntime.prepare() dlopens libssl.so.3 at first use
        // (Net/Native/OpenSSLLibrary.swift); the headers are on the default include path.
        .systemLibrary(name: "COpenSSL", providers: [.apt(["libssl-dev"])]),
        // Headers only as well: libunbound (with libevent, nettle, hogweed, gmp) is dlopened by the
        // first DNS record query (Net/DNS/UnboundLibrary.swift); unbound.h is on the default path.
        .systemLibrary(name: "CUnbound", providers: [.apt(["libunbound-dev"])]),

        // Build-time tool + plugin that embed Providers/*.xml into the library as Swift source,
        // so an installed binary copied anywhere still knows every bundled provider.
        .executableTarget(name: "ProviderEmbedder", path: "Sources/ProviderEmbedder"),
        .plugin(
            name: "EmbedProviders",
            capability: .buildTool(),
            dependencies: ["ProviderEmbedder"],
            path: "Plugins/EmbedProviders"
        ),

        .target(
            name: "AutoconfKit",
            dependencies: ["CLibXML2", "CLibIDN2", "CLibPSL", "CCurl", "CCares", "COpenSSL", "CUnbound"],
            plugins: ["EmbedProviders"]
        ),
        .target(name: "AutoconfC", dependencies: ["AutoconfKit"], exclude: ["include"]),
        // The option groups both executables declare (`NetworkOptions`, `SourceOptions`…), once.
        // No NIO here: the `autoconf` binary links this.
        .target(
            name: "AutoconfCommandOptions",
            dependencies: [
                "AutoconfKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "autoconf",
            dependencies: [
                "AutoconfKit",
                "AutoconfCommandOptions",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // `autoconf serve`: the resolver as an HTTP service (docs/service.md).
        .target(
            name: "AutoconfService",
            dependencies: [
                "AutoconfKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .executableTarget(
            name: "autoconf-serve",
            dependencies: [
                "AutoconfService",
                "AutoconfCommandOptions",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "AutoconfBenchmarks",
            // AutoconfTestSupport: the HTTP benchmark runs against the suite's local test server.
            dependencies: ["AutoconfKit", "AutoconfTestSupport"],
            path: "Benchmarks/AutoconfBenchmarks"
        ),
        .target(name: "AutoconfTestSupport", dependencies: ["AutoconfKit"], path: "Tests/AutoconfTestSupport"),
        .testTarget(name: "AutoconfKitTests", dependencies: ["AutoconfKit", "AutoconfTestSupport"]),
        .testTarget(name: "AutoconfCLITests", dependencies: ["AutoconfKit", "AutoconfTestSupport"]),
        // The `autoconf` executable's own code, imported (@testable): what its command lines mean.
        .testTarget(
            name: "AutoconfCommandTests",
            dependencies: ["autoconf", "AutoconfKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // Builds and runs C and Python programs against the installed libAutoconfC.so (Programs/).
        .testTarget(name: "AutoconfCTests", dependencies: ["AutoconfKit", "AutoconfTestSupport"], exclude: ["Programs"]),
        .testTarget(
            name: "AutoconfServiceTests", dependencies: ["AutoconfService", "AutoconfKit", "AutoconfTestSupport"],
            exclude: ["setup_page_browser.py"]),
    ]
)
