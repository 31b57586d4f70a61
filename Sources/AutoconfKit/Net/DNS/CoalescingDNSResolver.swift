import Synchronization

/// Concurrent identical queries share one request. The Gmail, Office365 and MX plugins all start
/// from the email domain's MX record at the same moment; without this a lookup asked the DNS three
/// times for it, and every extra query in the burst delays the answers behind it (on loopback the
/// burst, not the round trip, was most of the time to "not found").
///
/// Only queries in flight are shared: once an answer is in, the next query asks again, so nothing
/// is cached across lookups and TTLs stay the resolver's business.
final class CoalescingDNSResolver: DNSResolving, Sendable {
    private let base: any DNSResolving
    private let mxFlights = InFlightQueries<DNSAnswer<[MXRecord]>>()
    private let srvFlights = InFlightQueries<DNSAnswer<[SRVRecord]>>()
    private let txtFlights = InFlightQueries<DNSAnswer<[String]>>()
    private let addressFlights = InFlightQueries<DNSAnswer<[String]>>()
    private let cnameFlights = InFlightQueries<DNSAnswer<String?>>()

    init(_ base: any DNSResolving) { self.base = base }

    func mx(_ name: String) async throws(DNSError) -> DNSAnswer<[MXRecord]> {
        try await mxFlights.run(name) { [base] () async throws(DNSError) in try await base.mx(name) }
    }
    func srv(_ name: String) async throws(DNSError) -> DNSAnswer<[SRVRecord]> {
        try await srvFlights.run(name) { [base] () async throws(DNSError) in try await base.srv(name) }
    }
    func txt(_ name: String) async throws(DNSError) -> DNSAnswer<[String]> {
        try await txtFlights.run(name) { [base] () async throws(DNSError) in try await base.txt(name) }
    }
    func addresses(_ name: String) async throws(DNSError) -> DNSAnswer<[String]> {
        try await addressFlights.run(name) { [base] () async throws(DNSError) in try await base.addresses(name) }
    }
    func cname(_ name: String) async throws(DNSError) -> DNSAnswer<String?> {
        try await cnameFlights.run(name) { [base] () async throws(DNSError) in try await base.cname(name) }
    }
}

/// The queries of one record type now in flight, by name. A query runs in its own task that every
/// asker awaits; it is cancelled only when every asker has been cancelled, so one plugin giving up
/// never fails the others waiting for the same answer.
final class InFlightQueries<Value: Sendable>: Sendable {
    private struct Flight {
        var id: Int
        var task: Task<Result<Value, DNSError>, Never>
        var waiters: Int
    }

    private struct Table {
        var flights: [String: Flight] = [:]
        var nextID = 0
    }

    private let table = Mutex(Table())

    func run(_ name: String, _ operation: @escaping @Sendable () async throws(DNSError) -> Value) async throws(DNSError) -> Value {
        let key = name.lowercased()
        let (id, task) = table.withLock { table -> (Int, Task<Result<Value, DNSError>, Never>) in
            if var flight = table.flights[key] {
                flight.waiters += 1
                table.flights[key] = flight
                return (flight.id, flight.task)
            }
            table.nextID += 1
            // The task inherits this asker's task-locals, among them the lookup deadline.
            let task = Task { () -> Result<Value, DNSError> in
                do throws(DNSError) { return .success(try await operation()) } catch { return .failure(error) }
            }
            table.flights[key] = Flight(id: table.nextID, task: task, waiters: 1)
            return (table.nextID, task)
        }
        let result = await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            let abandoned = table.withLock { table -> Bool in
                guard var flight = table.flights[key], flight.id == id else { return false }
                flight.waiters -= 1
                if flight.waiters > 0 {
                    table.flights[key] = flight
                    return false
                }
                table.flights[key] = nil
                return true
            }
            if abandoned { task.cancel() }
        }
        table.withLock { table in
            if table.flights[key]?.id == id { table.flights[key] = nil }
        }
        return try result.get()
    }
}
