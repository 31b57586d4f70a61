/// RFC 2782's target selection: lowest priority first; within one priority, a weighted random
/// order (weight-0 records first in the running sum, so they are picked rarely but still can
/// be). The random source is injectable so tests can pin the order.
package enum SRVOrder {
    package static func rfc2782<G: RandomNumberGenerator>(_ records: [SRVRecord], using generator: inout G) -> [SRVRecord] {
        var result: [SRVRecord] = []
        for priority in Set(records.map(\.priority)).sorted() {
            // Zero-weight entries go first, as RFC 2782 asks, then the rest in answer order.
            var pool = records.filter { $0.priority == priority && $0.weight == 0 }
                + records.filter { $0.priority == priority && $0.weight > 0 }
            while !pool.isEmpty {
                let total = pool.reduce(0) { $0 + $1.weight }
                let pick = total == 0 ? 0 : Int.random(in: 0...total, using: &generator)
                var running = 0
                var chosen = pool.count - 1
                for (index, record) in pool.enumerated() {
                    running += record.weight
                    if running >= pick {
                        chosen = index
                        break
                    }
                }
                result.append(pool.remove(at: chosen))
            }
        }
        return result
    }
}
