/// What every DNS-based plugin does the same way: find the resolver service, bind the lookup
/// deadline to its queries, and turn DNS errors into plugin outcomes (a name that does not exist
/// is an answer, "not found"; a dead or failing resolver is a failure worth reporting).
enum DNSPluginSupport {
    static func resolver(_ context: PluginContext) throws(PluginFailure) -> any DNSResolving {
        guard let resolver = context.services[DNSResolverKey.self] else {
            throw PluginFailure(.configuration, "no DNS resolver is configured")
        }
        return resolver
    }

    /// Runs DNS queries with the lookup deadline bound (see `DNSDeadline`).
    static func query<T: Sendable>(
        _ context: PluginContext, _ operation: @Sendable () async throws(DNSError) -> T
    ) async -> Result<T, DNSError> {
        await DNSDeadline.$current.withValue(context.deadline) {
            do throws(DNSError) { return .success(try await operation()) } catch { return .failure(error) }
        }
    }

    /// nil for "the name or record does not exist" (the caller says not found); otherwise the
    /// failure to throw. Cancellation stays cancellation.
    static func failure(_ error: DNSError) throws -> PluginFailure? {
        switch error {
        case .nxdomain, .nodata: return nil
        case .timeout: return PluginFailure(.timeout, error.description)
        case .cancelled: throw CancellationError()
        case .servfail, .other: return PluginFailure(.network, error.description)
        // Refused, not absent: a forged or tampered answer is not a statement that nothing exists.
        case .bogus: return PluginFailure(.dnssecBogus, error.description)
        }
    }

    /// The `-v` line for one record query's DNSSEC verdict: validated, insecure or bogus.
    static func traceValidation<T>(_ context: PluginContext, _ what: String, _ result: Result<DNSAnswer<T>, DNSError>) {
        switch result {
        case .success(let answer): context.trace(.note("\(what): \(answer.validation.traceText)"))
        case .failure(.bogus(_, let why)): context.trace(.note("\(what): DNSSEC bogus, answer refused: \(why)"))
        case .failure: break
        }
    }

    /// Whether `host` is `domain` or a name inside it (label boundary, never a suffix match on text).
    static func isInside(_ host: String, domain: String) -> Bool {
        let name = normalized(host), base = normalized(domain)
        return name == base || name.hasSuffix("." + base)
    }

    static func normalized(_ name: String) -> String { Hostname.normalized(name) }
}
