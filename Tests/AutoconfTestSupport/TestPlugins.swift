import AutoconfKit
import Foundation

extension Provenance {
    public static func test(_ plugin: String) -> Provenance { Provenance(plugin: plugin, source: "test:\(plugin)", channel: .bundled) }
}

/// A plain configuration for tests: IMAP + SMTP on `host`.
public func testConfiguration(_ host: String = "mail.example.com", domain: String = "example.com") -> EmailConfiguration {
    EmailConfiguration(
        providerID: host, domains: [domain],
        incoming: [Server(type: .imap, hostname: host, port: 993, socketType: .ssl, username: "%EMAILADDRESS%")],
        outgoing: [Server(type: .smtp, hostname: host, port: 465, socketType: .ssl, username: "%EMAILADDRESS%")])
}

/// Answers after `delay` with fixed candidates (or nothing / a failure), and records whether it
/// was cancelled. Honours cancellation like a well-behaved network plugin.
public struct FixedPlugin: ProviderPlugin {
    public enum Behaviour: Sendable { case found([Candidate]), notFound, fail(PluginFailure), hang, unsupported(UnsupportedProvider), noSuchDomain }
    public let name: String
    public var summary: String { "test plugin \(name)" }
    public let behaviour: Behaviour
    public let delay: Duration
    public let bestPossibleTrust: Trust.Level
    public let log: EventLog?
    /// nil: a class of its own (every plugin ranked below waits for it).
    public var authority: AuthorityClass?
    public var networkUse: NetworkUse = .other

    public init(name: String, candidates: [Candidate], delay: Duration = .zero, bestPossibleTrust: Trust.Level = .trusted, log: EventLog? = nil) {
        self.init(name: name, behaviour: .found(candidates), delay: delay, bestPossibleTrust: bestPossibleTrust, log: log)
    }

    public init(name: String, behaviour: Behaviour, delay: Duration = .zero, bestPossibleTrust: Trust.Level = .trusted, log: EventLog? = nil) {
        self.name = name
        self.behaviour = behaviour
        self.delay = delay
        self.bestPossibleTrust = bestPossibleTrust
        self.log = log
    }

    public static func answering(_ name: String, host: String, trust: Trust = .trusted, after delay: Duration = .zero, log: EventLog? = nil) -> FixedPlugin {
        FixedPlugin(name: name, candidates: [Candidate(configuration: testConfiguration(host), trust: trust, provenance: .test(name))], delay: delay, log: log)
    }

    public func lookup(_ query: LookupQuery, context: PluginContext) async throws -> PluginOutcome {
        context.trace(.sourceTried("test:\(name)"))
        do {
            if case .hang = behaviour {
                try await Task.sleep(for: .seconds(3600))
            }
            if delay > .zero { try await Task.sleep(for: delay) }
        } catch {
            log?.append("\(name) cancelled")
            throw error
        }
        log?.append("\(name) finished")
        switch behaviour {
        case .found(let candidates): return .found(candidates)
        case .notFound, .hang: return .notFound("nothing here")
        case .fail(let failure): throw failure
        case .unsupported(let answer): return .unsupported(answer)
        case .noSuchDomain: return .domainDoesNotExist("\(query.email.domain) does not exist (test)")
        }
    }
}

/// A thread-safe list of strings for observing plugins and trace events from tests.
public final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    public init() {}
    public func append(_ item: String) { lock.lock(); items.append(item); lock.unlock() }
    public var entries: [String] { lock.lock(); defer { lock.unlock() }; return items }
}
