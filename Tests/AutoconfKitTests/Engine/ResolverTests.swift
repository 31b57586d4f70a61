import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

@Suite struct ResolverTests {
    let query = LookupQuery(email: try! EmailAddress("alice@example.com"))

    func host(_ result: LookupResult) -> String? { result.best?.configuration.incoming.first?.hostname }

    @Test func slowHigherRankedPluginBeatsFastLowerRankedOne() async {
        let resolver = Resolver(plugins: [
            FixedPlugin.answering("slow-high", host: "high.example.com", after: .milliseconds(200)),
            FixedPlugin.answering("fast-low", host: "low.example.com"),
        ])
        let result = await resolver.lookup(query)
        #expect(host(result) == "high.example.com")
        #expect(result.candidates.count == 2)
        #expect(result.candidates[1].configuration.incoming[0].hostname == "low.example.com")
    }

    @Test func trustBeatsRank() async {
        let resolver = Resolver(plugins: [
            FixedPlugin.answering("high-confirm", host: "confirm.example.com", trust: .confirm(.plainHTTP)),
            FixedPlugin.answering("low-trusted", host: "trusted.example.com", after: .milliseconds(50)),
        ])
        #expect(host(await resolver.lookup(query)) == "trusted.example.com")
    }

    @Test func crossDomainRanksBelowEverySameDomainResult() async {
        let resolver = Resolver(plugins: [
            FixedPlugin.answering("cross", host: "evil.example.net", trust: .confirm(.crossDomain)),
            FixedPlugin.answering("guess", host: "guess.example.com", trust: .confirm(.guessed), after: .milliseconds(30)),
        ])
        let result = await resolver.lookup(query)
        #expect(host(result) == "guess.example.com")
        #expect(result.candidates.last?.trust.isCrossDomain == true)
    }

    @Test func returnsAsSoonAsNothingCanBeatTheBestAndCancelsTheRest() async {
        let log = EventLog()
        let resolver = Resolver(plugins: [
            FixedPlugin.answering("first", host: "first.example.com", after: .milliseconds(20), log: log),
            FixedPlugin(name: "hanging", behaviour: .hang, log: log),
            FixedPlugin(name: "slow", behaviour: .notFound, delay: .seconds(5), log: log),
        ], timeout: .seconds(60))
        let start = ContinuousClock.now
        let result = await resolver.lookup(query)
        #expect(ContinuousClock.now - start < .seconds(20))  // generous: other suites may load the machine; a hang would take an hour
        #expect(host(result) == "first.example.com")
        #expect(result.reports.first { $0.plugin == "hanging" }?.status == .cancelled)
        #expect(result.reports.first { $0.plugin == "slow" }?.status == .cancelled)
        try? await Task.sleep(for: .milliseconds(50))
        #expect(log.entries.contains("hanging cancelled"))
        #expect(log.entries.contains("slow cancelled"))
    }

    @Test func aNonexistentDomainEndsTheLookupAtOnce() async {
        let log = EventLog()
        let resolver = Resolver(plugins: [
            FixedPlugin(name: "hanging-high", behaviour: .hang, log: log),
            FixedPlugin(name: "dns", behaviour: .noSuchDomain, delay: .milliseconds(20), log: log),
            FixedPlugin(name: "slow-low", behaviour: .notFound, delay: .seconds(5), log: log),
        ], timeout: .seconds(60))
        let start = ContinuousClock.now
        let result = await resolver.lookup(query)
        #expect(ContinuousClock.now - start < .seconds(4))  // generous for a loaded machine; otherwise it waits an hour
        #expect(!result.found)
        #expect(!result.failedOnNetwork)
        #expect(result.nonexistentDomain == "example.com does not exist (test)")
        #expect(result.notFoundMessage == "no configuration found: example.com does not exist (test)")
        #expect(result.reports.first { $0.plugin == "dns" }?.status == .notFound)
        #expect(result.reports.first { $0.plugin == "hanging-high" }?.status == .cancelled)
        #expect(result.reports.first { $0.plugin == "slow-low" }?.status == .cancelled)
        try? await Task.sleep(for: .milliseconds(50))
        #expect(log.entries.contains("hanging-high cancelled"))
    }

    @Test func aNonexistentDomainKeepsWhatWasAlreadyFound() async {
        let resolver = Resolver(plugins: [
            FixedPlugin(name: "hanging-high", behaviour: .hang),
            FixedPlugin.answering("fast", host: "found.example.com", trust: .confirm(.guessed)),
            FixedPlugin(name: "dns", behaviour: .noSuchDomain, delay: .milliseconds(50)),
        ], timeout: .seconds(60))
        let result = await resolver.lookup(query)
        #expect(host(result) == "found.example.com")
        #expect(result.nonexistentDomain != nil)
    }

    @Test func waitsForAHigherRankedPluginThatCouldStillWin() async {
        let resolver = Resolver(plugins: [
            FixedPlugin(name: "high-nothing", behaviour: .notFound, delay: .milliseconds(150)),
            FixedPlugin.answering("low", host: "low.example.com", trust: .confirm(.guessed)),
            FixedPlugin.answering("lower", host: "lower.example.com", after: .milliseconds(100)),
        ])
        let result = await resolver.lookup(query)
        #expect(host(result) == "lower.example.com")  // trusted beats the earlier confirm
    }

    @Test func confirmOnlyPluginsAreNotAwaitedOnceATrustedResultIsIn() async {
        let resolver = Resolver(plugins: [
            FixedPlugin.answering("trusted", host: "t.example.com", after: .milliseconds(10)),
            FixedPlugin(name: "probe-like", behaviour: .hang, bestPossibleTrust: .confirm),
        ], timeout: .seconds(60))
        let start = ContinuousClock.now
        _ = await resolver.lookup(query)
        #expect(ContinuousClock.now - start < .seconds(20))  // generous: other suites may load the machine; a hang would take an hour
    }

    @Test func deadlineBoundsEveryLookup() async {
        let resolver = Resolver(plugins: [FixedPlugin(name: "hang1", behaviour: .hang), FixedPlugin(name: "hang2", behaviour: .hang)], timeout: .milliseconds(300))
        let start = ContinuousClock.now
        let result = await resolver.lookup(query)
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(290) && elapsed < .seconds(20))
        #expect(result.deadlineReached)
        #expect(!result.found)
        #expect(result.reports.allSatisfy { $0.status == .timedOut })
        #expect(result.failedOnNetwork)
    }

    /// What a "no" proves about the network comes from each plugin's declared `networkUse`,
    /// never from its name.
    @Test func whatANoProvesComesFromThePluginsNetworkUseNotItsName() async {
        func plugin(_ name: String, _ use: NetworkUse) -> FixedPlugin {
            var plugin = FixedPlugin(name: name, behaviour: .notFound)
            plugin.networkUse = use
            return plugin
        }
        func failedOnNetwork(_ plugins: [FixedPlugin]) async -> Bool {
            let unreachable = FixedPlugin(name: "unreachable", behaviour: .fail(PluginFailure(.network, "connection refused")))
            return await Resolver(plugins: [unreachable] + plugins).lookup(query).failedOnNetwork
        }
        // A "no" of a source that connects by name, with no DNS answer: maybe the name did not resolve.
        #expect(await failedOnNetwork([plugin("mx", .hostsByName)]))
        // The same "no" once a DNS-records source answered is an answer.
        #expect(await !failedOnNetwork([plugin("probe", .hostsByName), plugin("anything", .dnsRecords)]))
        // A source that needs no network says nothing about it, whatever its name.
        #expect(await failedOnNetwork([plugin("srv", .none)]))
        // A network source that declares nothing: its "no" is an answer, whatever its name.
        #expect(await !failedOnNetwork([plugin("bundled", .other)]))
    }

    /// The network warm-up is told whether a running plugin starts from DNS records, so libunbound
    /// is prepared only for lookups that will ask records; offline plugins start no warm-up.
    @Test func theWarmUpIsToldWhetherDNSRecordsWillBeAsked() async {
        final class Calls: @unchecked Sendable {
            private let lock = NSLock()
            private var values: [Bool] = []
            func add(_ value: Bool) { lock.withLock { values.append(value) } }
            var all: [Bool] { lock.withLock { values } }
        }
        func warmUps(_ uses: [NetworkUse]) async -> [Bool] {
            let calls = Calls()
            var services = LookupServices()
            services[NetworkWarmUpKey.self] = NetworkWarmUp { calls.add($0) }
            let plugins = uses.enumerated().map { index, use in
                var plugin = FixedPlugin(name: "p\(index)", behaviour: .notFound)
                plugin.networkUse = use
                return plugin
            }
            _ = await Resolver(plugins: plugins).lookup(query, services: services)
            return calls.all
        }
        #expect(await warmUps([.hostsByName, .dnsRecords]) == [true])
        #expect(await warmUps([.hostsByName, .other]) == [false])
    }

    /// The built-in plugins declare what the engine's by-name lists said before.
    @Test func builtInPluginsDeclareTheirNetworkUse() {
        let uses = Dictionary(uniqueKeysWithValues: BuiltInPlugins.registry(options: AutoconfOptions()).plugins.map { ($0.name, $0.networkUse) })
        #expect(uses == [
            "user-files": NetworkUse.none, "bundled": .none, "mx": .dnsRecords, "srv": .dnsRecords, "gmail": .dnsRecords, "autodiscover": .dnsRecords,
            "autoconfig": .hostsByName, "ispdb": .hostsByName, "office365": .hostsByName, "probe": .hostsByName,
        ])
    }

    @Test func deadlineKeepsTheBestResultFoundSoFar() async {
        let resolver = Resolver(plugins: [
            FixedPlugin(name: "hang", behaviour: .hang),
            FixedPlugin.answering("low", host: "low.example.com"),
        ], timeout: .milliseconds(200))
        let result = await resolver.lookup(query)
        #expect(host(result) == "low.example.com")
        #expect(result.deadlineReached)
    }

    @Test func allFailing() async {
        let resolver = Resolver(plugins: [
            FixedPlugin(name: "net", behaviour: .fail(PluginFailure(.network, "connection refused"))),
            FixedPlugin(name: "none", behaviour: .notFound),
            FixedPlugin(name: "garbage", candidates: [Candidate(configuration: EmailConfiguration(incoming: [Server(type: .imap, hostname: "bad host", port: 993, socketType: .ssl)]), trust: .trusted, provenance: .test("garbage"))]),
        ])
        let result = await resolver.lookup(query)
        #expect(!result.found)
        #expect(!result.failedOnNetwork)  // "none" established there is nothing
        #expect(result.reports.map(\.status) == [.failed, .notFound, .failed])
        #expect(result.reports[2].failure?.kind == .invalidData)
        #expect(result.reports[0].failure?.message == "connection refused")
    }

    @Test func tracesStartSourceOutcomeAndCancellation() async {
        let log = EventLog()
        let resolver = Resolver(plugins: [FixedPlugin.answering("a", host: "a.example.com"), FixedPlugin(name: "b", behaviour: .hang)])
        _ = await resolver.lookup(query) { event in log.append("\(event.plugin) \(event.kind)") }
        let entries = log.entries
        #expect(entries.contains("a started"))
        #expect(entries.contains("a sourceTried(\"test:a\")"))
        #expect(entries.contains("a found(1)"))
        #expect(entries.contains { $0.hasPrefix("b cancelled") })
    }

    @Test func unsupportedProviderStopsTheLookupWithItsExplanation() async {
        let answer = UnsupportedProvider(providerID: "proton.me", displayName: "Proton", explanation: "use Bridge", url: nil, plugin: "p", source: "s")
        let resolver = Resolver(plugins: [FixedPlugin(name: "p", behaviour: .unsupported(answer)), FixedPlugin(name: "probe", behaviour: .hang)])
        let result = await resolver.lookup(query)
        #expect(!result.found)
        #expect(result.unsupported?.explanation == "use Bridge")
    }

    @Test func prefersIMAPOverPOPUnlessAskedOtherwise() async {
        var configuration = testConfiguration()
        configuration.incoming.insert(Server(type: .pop3, hostname: "pop.example.com", port: 995, socketType: .ssl), at: 0)
        let plugin = FixedPlugin(name: "x", candidates: [Candidate(configuration: configuration, trust: .trusted, provenance: .test("x"))])
        #expect(await Resolver(plugins: [plugin]).lookup(query).best?.configuration.incoming.map(\.type) == [.imap, .pop3])
        #expect(await Resolver(plugins: [plugin], preferredIncoming: .pop3).lookup(query).best?.configuration.incoming.map(\.type) == [.pop3, .imap])
    }

    @Test func plainServersAreNeverTrusted() async {
        var configuration = testConfiguration()
        configuration.incoming[0].socketType = .plain
        configuration.incoming[0].port = 143
        let plugin = FixedPlugin(name: "x", candidates: [Candidate(configuration: configuration, trust: .trusted, provenance: .test("x"))])
        let trust = await Resolver(plugins: [plugin]).lookup(query).best?.trust
        #expect(trust == Trust(level: .confirm, reasons: [.unencrypted]))
    }

    /// A server the sanitizer drops is not dropped silently: the trace says which field and why.
    @Test func droppedServersAreNamedInTheTrace() async {
        var configuration = testConfiguration()
        configuration.incoming.append(Server(type: .imap, hostname: "bad host.example.com", port: 993, socketType: .ssl))
        configuration.incoming.append(Server(type: .pop3, hostname: "pop.example.com", port: 995, socketType: .ssl, username: "a\r\nX1 SELECT INBOX"))
        configuration.outgoing.append(Server(type: .smtp, hostname: "smtp2.example.com", port: 70000, socketType: .ssl))
        let plugin = FixedPlugin(name: "x", candidates: [Candidate(configuration: configuration, trust: .trusted, provenance: .test("x"))])
        let notes = EventLog()
        let result = await Resolver(plugins: [plugin]).lookup(query, observer: { event in
            if case .note(let text) = event.kind { notes.append(text) }
        })
        #expect(result.best?.configuration.incoming.count == 1)
        let text = notes.entries
        #expect(text.contains { $0.hasPrefix("dropped incoming imap server bad host.example.com:993: hostname:") })
        #expect(text.contains { $0.hasPrefix("dropped incoming pop3 server pop.example.com:995: username:") })
        #expect(text.contains { $0 == "dropped outgoing smtp server smtp2.example.com:70000: port: 70000 is not 1-65535" })
    }

    @Test func outerCancellationEndsTheLookup() async {
        let resolver = Resolver(plugins: [FixedPlugin(name: "hang", behaviour: .hang)], timeout: .seconds(30))
        let task = Task { await resolver.lookup(query) }
        try? await Task.sleep(for: .milliseconds(50))
        let start = ContinuousClock.now
        task.cancel()
        _ = await task.value
        #expect(ContinuousClock.now - start < .seconds(20))
    }
}

/// The example from the README: an embedding tool's own plugin, registered beside the built-in ones.
struct StaffDirectoryPlugin: ProviderPlugin {
    let name = "staff-directory"
    let summary = "mail settings for our own staff domains"
    var needsNetwork: Bool { false }

    func lookup(_ query: LookupQuery, context: PluginContext) async throws -> PluginOutcome {
        guard query.email.domain == "staff.example" else { return .notFound("not a staff domain") }
        let configuration = EmailConfiguration(
            providerID: "staff.example", domains: ["staff.example"], displayName: "Staff mail",
            incoming: [Server(type: .imap, hostname: "imap.staff.example", port: 993, socketType: .ssl, username: "%EMAILLOCALPART%")],
            outgoing: [Server(type: .smtp, hostname: "smtp.staff.example", port: 465, socketType: .ssl, username: "%EMAILLOCALPART%")])
        return .found([Candidate(configuration: configuration, trust: .trusted, provenance: context.provenance(source: "staff directory", channel: .bundled))])
    }
}

@Suite struct EmbeddingTests {
    @Test func anEmbeddingToolRegistersItsOwnPlugin() async throws {
        let autoconf = Autoconf(options: AutoconfOptions(offline: true, readsUserDirectory: false), additionalPlugins: [StaffDirectoryPlugin()])
        #expect(autoconf.registry.names.first == "staff-directory")
        let result = try await autoconf.lookup("bob@staff.example")
        #expect(result.best?.provenance.plugin == "staff-directory")
        #expect(result.best?.configuration.incoming.first?.username == "bob")
        // Built-in plugins still answer other domains.
        #expect(try await autoconf.lookup("bob@gmail.com").best?.provenance.plugin == "bundled")
    }

    @Test func pluginSelectionAndOrderAreConfigurable() async throws {
        var options = AutoconfOptions(readsUserDirectory: false)
        options.plugins = ["staff-directory"]
        let autoconf = Autoconf(options: options, additionalPlugins: [StaffDirectoryPlugin()])
        #expect(try autoconf.resolver().plugins.map(\.name) == ["staff-directory"])
        #expect(try await !autoconf.lookup("bob@gmail.com").found)
        options.plugins = ["bundled", "nope"]
        let autoconfWithNope = Autoconf(options: options, additionalPlugins: [StaffDirectoryPlugin()])
        #expect(throws: AutoconfError.unknownPlugin("nope", available: autoconfWithNope.registry.names)) {
            try autoconfWithNope.resolver()
        }
    }

    @Test func registryPlacesAndReplacesPlugins() {
        var registry = PluginRegistry([FixedPlugin(name: "a", behaviour: .notFound), FixedPlugin(name: "c", behaviour: .notFound)])
        registry.register(FixedPlugin(name: "b", behaviour: .notFound), before: "c")
        registry.register(FixedPlugin(name: "a", behaviour: .hang))
        #expect(registry.names == ["a", "b", "c"])
    }
}
