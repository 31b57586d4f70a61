/// The lookup deadline, as seen by DNS queries made inside a plugin. The `DNSResolving` calls take
/// no deadline, so a plugin binds its context's deadline here and the resolver clips every query's
/// timeout to it; task cancellation (which the engine sends when the deadline passes) ends a wait
/// as well.
///
/// ```swift
/// let answer = try await DNSDeadline.$current.withValue(context.deadline) { try await dns.mx(domain) }
/// ```
public enum DNSDeadline {
    @TaskLocal public static var current: ContinuousClock.Instant?
}
