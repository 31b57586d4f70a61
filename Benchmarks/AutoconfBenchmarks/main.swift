// autoconf's benchmark: run with `swift run -c release AutoconfBenchmarks` (release build; debug
// numbers mean nothing). Prints one table: what was measured, the median, and the target.
import AutoconfKit
import Foundation

struct Row {
    var name: String
    var value: String
    var target: String
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func milliseconds(_ duration: Duration) -> Double { duration.milliseconds }

func format(_ value: Double, _ unit: String) -> String { String(format: "%.3f %@", value, unit) }

/// Median wall time of parsing every ISPDB file once (read from disk beforehand).
func ispdbCorpusParse() -> Row? {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let ispdb = ProcessInfo.processInfo.environment["AUTOCONF_ISPDB"].map { URL(fileURLWithPath: $0) }
        ?? root.deletingLastPathComponent().appendingPathComponent("shared/ispdb")
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: ispdb.path).filter({ $0.hasSuffix(".xml") }), !names.isEmpty else {
        print("skipping the ISPDB corpus: \(ispdb.path) is absent")
        return nil
    }
    let files = names.compactMap { name in (try? Data(contentsOf: ispdb.appendingPathComponent(name))).map { (name, [UInt8]($0)) } }
    let reader = ConfigXMLReader()
    var samples: [Double] = []
    for _ in 0..<30 {
        let start = ContinuousClock.now
        var servers = 0
        for (name, bytes) in files {
            if let document = try? reader.read(bytes, source: name) { servers += document.configuration.incoming.count }
        }
        precondition(servers > 0)
        samples.append(milliseconds(ContinuousClock.now - start))
    }
    return Row(name: "parse ISPDB corpus (\(files.count) files)", value: format(median(samples), "ms"), target: "< 20 ms")
}

/// 10,000 offline lookups through the engine (bundled provider files), per lookup.
func offlineLookups() async -> Row {
    let autoconf = Autoconf(options: AutoconfOptions(offline: true, readsUserDirectory: false))
    let addresses = ["alice@gmail.com", "bob@yahoo.co.uk", "carol@web.de", "dave@outlook.com", "eve@nowhere.example"]
        .map { try! EmailAddress($0) }
    _ = try? await autoconf.lookup(addresses[0])  // parse the bundled catalog outside the timing
    var samples: [Double] = []
    for _ in 0..<5 {
        let count = 10_000
        let start = ContinuousClock.now
        for index in 0..<count {
            let result = try? await autoconf.lookup(addresses[index % addresses.count])
            precondition(result != nil)
        }
        samples.append(milliseconds(ContinuousClock.now - start) * 1000 / Double(count))
    }
    return Row(name: "offline lookup in the library (10,000 lookups)", value: format(median(samples), "µs"), target: "< 50 µs")
}

/// The whole `autoconf lookup` process, wall clock, median of 50 runs: offline, and with every
/// source enabled (answered by the bundled files, so no network source may start). Timed around
/// posix_spawn and waitpid: Foundation's `Process.waitUntilExit` polls its run loop every 50 ms
/// on Linux, which put a 50 ms floor under every sample.
func processWall(offline: Bool) -> Row? {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("autoconf")
    guard FileManager.default.isExecutableFile(atPath: binary.path) else {
        print("skipping the process benchmark: build autoconf first (swift build -c release)")
        return nil
    }
    let arguments = [binary.path, "lookup", "alice@gmail.com", "--no-user-providers"] + (offline ? ["--offline"] : [])
    guard let samples = spawnedWalls(binary.path, arguments, runs: 50) else { return nil }
    return Row(name: "autoconf lookup alice@gmail.com\(offline ? " --offline" : "") (process, wall)", value: format(median(samples), "ms"), target: offline ? "≤ 8 ms" : "< 20 ms")
}

/// Wall times in milliseconds of `runs` runs of `arguments` (stdout to /dev/null), timed around
/// posix_spawn and waitpid; nil when the binary cannot be started.
func spawnedWalls(_ path: String, _ arguments: [String], runs: Int) -> [Double]? {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    var samples: [Double] = []
    for _ in 0..<runs {
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let start = ContinuousClock.now
        guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { return nil }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        samples.append(milliseconds(ContinuousClock.now - start))
    }
    return samples
}

/// `autoconf lookup --batch FILE --offline` over 10,000 addresses of 1,000 domains (the bundled
/// domains first, then unknown ones), JSON output to /dev/null: addresses per second of the whole
/// process, median of 5 runs.
func offlineBatch() -> Row? {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("autoconf")
    guard FileManager.default.isExecutableFile(atPath: binary.path) else { return nil }
    var domains = BundledProviders.catalog.entries.flatMap(\.configuration.domains).filter { !$0.contains("*") }
    domains = Array(Set(domains)).sorted().prefix(1000).map { $0 }
    var extra = 0
    while domains.count < 1000 { domains.append("unknown\(extra).example"); extra += 1 }
    let addresses = (0..<10_000).map { "user\($0)@\(domains[$0 % domains.count])" }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("autoconf-bench-batch-\(getpid()).txt")
    try? addresses.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let arguments = [binary.path, "lookup", "--batch", file.path, "--offline", "--no-user-providers"]
    guard let walls = spawnedWalls(binary.path, arguments, runs: 5) else { return nil }
    let samples = walls.map { 10_000 / ($0 / 1000) }
    return Row(name: "lookup --batch --offline, 10,000 addresses / 1,000 domains (process)", value: String(format: "%.0f /s", median(samples)), target: "≥ 50,000 /s")
}

/// A batch line of a domain's shared answer: JSONEncoder per address (what every line cost before)
/// against filling the address into the answer encoded once (`LookupJSON.Template`), per line.
func batchLineRendering() async -> [Row] {
    let autoconf = Autoconf(options: AutoconfOptions(offline: true, readsUserDirectory: false))
    let token = "acsplice0123456789abcdef01234567"
    guard let standIn = try? await autoconf.lookup(try! EmailAddress("\(token)@gmail.com")),
        let template = LookupJSON.Template(standIn, token: token)
    else { return [] }
    let locals = (0..<10_000).map { "user\($0)" }
    var encoded: [Double] = [], filled: [Double] = []
    for _ in 0..<5 {
        var start = ContinuousClock.now
        var bytes = 0
        for local in locals.prefix(1_000) { bytes += LookupJSON.encode(standIn, pretty: false).utf8.count + local.utf8.count }
        encoded.append(milliseconds(ContinuousClock.now - start))
        start = ContinuousClock.now
        for local in locals { bytes += template.filled(localPart: local).utf8.count }
        filled.append(milliseconds(ContinuousClock.now - start) / 10)
        precondition(bytes > 0)
    }
    return [
        Row(name: "batch line, JSONEncoder per address (gmail.com answer)", value: format(median(encoded), "µs"), target: "(reference)"),
        Row(name: "batch line, shared answer filled in (LookupJSON.Template)", value: format(median(filled), "µs"), target: "< 20 µs"),
    ]
}

/// The priority runner itself: 10 fake plugins that answer at once, one lookup, per lookup.
func resolverOverhead() async -> Row {
    struct Instant: ProviderPlugin {
        let name: String
        var summary: String { name }
        func lookup(_ query: LookupQuery, context: PluginContext) async throws -> PluginOutcome { .notFound("no") }
    }
    let resolver = Resolver(plugins: (0..<10).map { Instant(name: "p\($0)") })
    let query = LookupQuery(email: try! EmailAddress("alice@example.com"))
    var samples: [Double] = []
    for _ in 0..<5 {
        let count = 2_000
        let start = ContinuousClock.now
        for _ in 0..<count { _ = await resolver.lookup(query) }
        samples.append(milliseconds(ContinuousClock.now - start) * 1000 / Double(count))
    }
    return Row(name: "resolver: 10 concurrent plugins that answer at once, per lookup", value: format(median(samples), "µs"), target: "< 100 µs")
}

// `AutoconfBenchmarks [offline|process|engine|http|dns]...` runs only those groups; no argument runs all.
let groups = Set(CommandLine.arguments.dropFirst())
func wanted(_ group: String) -> Bool { groups.isEmpty || groups.contains(group) }

var rows: [Row] = []
if wanted("offline") {
    if let row = ispdbCorpusParse() { rows.append(row) }
    rows.append(await offlineLookups())
    rows += await batchLineRendering()
}
if wanted("process") {
    if let row = processWall(offline: true) { rows.append(row) }
    if let row = processWall(offline: false) { rows.append(row) }
    if let row = offlineBatch() { rows.append(row) }
}
if wanted("engine") { rows.append(await resolverOverhead()) }
var network: [(name: String, value: String, target: String)] = []
if wanted("http") { network += await runHTTPBenchmark() }
if wanted("dns") { network += await runDNSBenchmark() }
for extra in network { rows.append(Row(name: extra.name, value: extra.value, target: extra.target)) }

let widths = [max(9, rows.map(\.name.count).max() ?? 0), max(6, rows.map(\.value.count).max() ?? 0)]
print("benchmark".padding(toLength: widths[0], withPad: " ", startingAt: 0) + "  " + "median".padding(toLength: widths[1], withPad: " ", startingAt: 0) + "  target")
for row in rows {
    print(row.name.padding(toLength: widths[0], withPad: " ", startingAt: 0) + "  " + row.value.padding(toLength: widths[1], withPad: " ", startingAt: 0) + "  " + row.target)
}
