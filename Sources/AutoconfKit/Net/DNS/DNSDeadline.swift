/// The lookup deadline, as seen by DNS queries made inside a plugin. The `DNSResolving` calls take
/// no deadline, so a plugin binds its context's deadline here and the resolver clips every query's
/// timeout to it; task cancellation (which the engine sends when the deadline passes) ends a wait
/// as well.
///
/// ```swift
/// let answer = try await DNSDeadline.$current.withValue(context.deadline) { try await dns.mx(domain) }
/// ```
package enum DNSDeadline {
    @TaskLocal package static var current: ContinuousClock.Instant?

    /// When a query started now with `timeout` must end: the timeout, clipped to `current`.
    static func clipped(_ timeout: Duration) -> ContinuousClock.Instant {
        let own = ContinuousClock.now.advanced(by: timeout)
        return current.map { min(own, $0) } ?? own
    }
}
