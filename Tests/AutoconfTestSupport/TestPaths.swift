import Foundation

/// Locations the tests need, found relative to this source file so tests run from any directory.
public enum TestPaths {
    /// The package root (…/Tests/AutoconfTestSupport/TestPaths.swift → …).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Python test servers (stdlib only) live here.
    public static let servers = packageRoot.appendingPathComponent("Tests/Servers")

    /// The real Thunderbird ISPDB beside the project (`../shared/ispdb`), when present.
    public static var ispdb: URL? {
        let candidates = [
            ProcessInfo.processInfo.environment["AUTOCONF_ISPDB"].map { URL(fileURLWithPath: $0) },
            packageRoot.deletingLastPathComponent().appendingPathComponent("shared/ispdb"),
        ].compactMap { $0 }
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// The built `autoconf` executable, next to the test bundle in the build folder.
    public static var autoconfBinary: URL {
        if let explicit = ProcessInfo.processInfo.environment["AUTOCONF_BINARY"] { return URL(fileURLWithPath: explicit) }
        var directory = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("autoconf")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/autoconf")
    }

    public static func temporaryDirectory(_ label: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("autoconf-tests-\(label)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
