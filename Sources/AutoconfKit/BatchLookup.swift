/// Looks up many addresses: results come back in input order, each domain is looked up once (the
/// other addresses of that domain get the same answer with their own usernames when it does not
/// depend on the address — `AddressTemplating.independent` — else their own lookup), and at most
/// `jobs` lookups run at a time. A line that is not an address yields an error for that line only.
package struct BatchLookup: Sendable {
    package enum Line: Sendable {
        case result(LookupResult)
        /// `number` is 1-based, as editors count.
        case error(number: Int, input: String, message: String)
    }

    package var autoconf: Autoconf
    package var jobs: Int

    package init(autoconf: Autoconf, jobs: Int = 4) {
        self.autoconf = autoconf
        self.jobs = max(1, jobs)
    }

    /// Blank lines and lines starting with `#` are skipped (they produce nothing).
    package static func addresses(in text: String) -> [(number: Int, input: String)] {
        // CR LF, lone CR and LF all end a line; a UTF-8 byte order mark is skipped. Split by
        // bytes (CR and LF never occur inside a UTF-8 sequence, so the lines are the ones a split
        // by scalars gives): appending scalar by scalar cost more than parsing the addresses.
        var text = text
        return text.withUTF8 { bytes in
            var result: [(number: Int, input: String)] = []
            var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            var number = 0
            var previousWasCR = false
            func endLine(at end: Int) {
                number += 1
                let line = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self).trimmed
                if !line.isEmpty && !line.hasPrefix("#") { result.append((number, line)) }
            }
            for index in start..<bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\n") && previousWasCR {
                    previousWasCR = false
                    start = index + 1
                    continue
                }
                previousWasCR = byte == UInt8(ascii: "\r")
                if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                    endLine(at: index)
                    start = index + 1
                }
            }
            endLine(at: bytes.count)
            return result
        }
    }

    /// `emit` receives every line's outcome in input order, as soon as it and all before it are
    /// done; `flushed` is called after each burst of `emit` calls (a front end that buffers its
    /// output writes it then); `progress` gets (done, total) addresses after each lookup.
    package func run(
        _ lines: [(number: Int, input: String)], progress: (@Sendable (Int, Int) -> Void)? = nil,
        emit: @Sendable (Int, Line) -> Void, flushed: (@Sendable () -> Void)? = nil
    ) async {
        await run(lines, render: { $0 }, progress: progress, emit: emit, flushed: flushed)
    }

    /// How a front end renders a domain's shared answer once for all its addresses: `template`
    /// renders a result for the stand-in address `token@domain` (nil: this rendering cannot be
    /// filled in), `fill` makes an address's line from it and the address's local part.
    /// `fill(template(r′), token, l)` must print as `render(r)` for the result r of the address
    /// with local part l and r′ the same answer for the stand-in (a front end may defer the
    /// filling to its printing: the batch holds the lines until their turn). A result whose data
    /// holds the token (`AddressTemplating.mentions`) is rendered address by address instead.
    package struct SharedRendering<Rendered: Sendable>: Sendable {
        package var template: @Sendable (LookupResult, _ token: String) -> Rendered?
        package var fill: @Sendable (Rendered, _ localPart: String) -> Rendered

        package init(template: @escaping @Sendable (LookupResult, String) -> Rendered?, fill: @escaping @Sendable (Rendered, String) -> Rendered) {
            self.template = template
            self.fill = fill
        }
    }

    /// As `run`, with each line turned into what the front end prints by `render` first —
    /// concurrently, in the task that looked the line up (a batch's JSON encoding then uses every
    /// core) — while `emit` still receives the rendered lines one at a time, in input order.
    /// With `shared`, the addresses that share a domain's answer get their lines from one
    /// rendering of it.
    package func run<Rendered: Sendable>(
        _ lines: [(number: Int, input: String)], render: @escaping @Sendable (Line) -> Rendered,
        shared sharedRendering: SharedRendering<Rendered>? = nil,
        progress: (@Sendable (Int, Int) -> Void)? = nil,
        emit: @Sendable (Int, Rendered) -> Void, flushed: (@Sendable () -> Void)? = nil
    ) async {
        // Random per batch, so no remote document can contain it.
        let token = LookupJSON.Template.randomToken()
        // Parse first: bad lines are answered at once, good ones grouped by domain.
        var parsed: [Int: EmailAddress] = [:]
        var results: [Int: Rendered] = [:]
        var firstIndexes: [Int] = []
        var firstOfDomain: [String: Int] = [:]
        var others: [Int: [Int]] = [:]
        // A batch's addresses repeat their domains: each domain is checked and converted once.
        var domains = EmailAddress.DomainMemo()
        for (index, line) in lines.enumerated() {
            do {
                let email = try EmailAddress(line.input, memo: &domains)
                parsed[index] = email
                if let first = firstOfDomain[email.domain] {
                    others[first, default: []].append(index)
                } else {
                    firstOfDomain[email.domain] = index
                    firstIndexes.append(index)
                }
            } catch {
                results[index] = render(.error(number: line.number, input: line.input, message: AutoconfError.invalidAddress(line.input, error).description))
            }
        }
        let autoconf = self.autoconf
        let realName = autoconf.options.realName
        let total = parsed.count
        var done = 0
        var next = 0
        func flush() {
            while next < lines.count, let line = results.removeValue(forKey: next) {
                emit(next, line)
                next += 1
            }
            flushed?()
        }
        flush()
        // The child result is a plain struct: a (String, Result<_, AutoconfError>) tuple from a
        // typed-throws closure crashed in release builds (Swift 6.3, inside the task group).
        await withTaskGroup(of: DomainOutcome<Rendered>.self) { group in
            // One lookup per domain first; the other addresses of a domain share its answer only
            // when it does not depend on the address, else they are looked up themselves.
            var pending = firstIndexes[...]
            var perUser: [Int] = []
            var running = 0
            func startMore() {
                while running < jobs {
                    let index: Int
                    var sharers: [DomainOutcome<Rendered>.Sharer] = []
                    if let item = perUser.popLast() {
                        index = item
                    } else if let item = pending.popFirst() {
                        index = item
                        sharers = (others.removeValue(forKey: item) ?? []).compactMap { other in
                            parsed[other].map { DomainOutcome<Rendered>.Sharer(index: other, email: $0, number: lines[other].number, input: lines[other].input) }
                        }
                    } else {
                        return
                    }
                    guard let email = parsed[index] else { continue }
                    running += 1
                    let line = lines[index]
                    group.addTask {
                        await DomainOutcome(
                            index: index, email: email, number: line.number, input: line.input, sharers: sharers, autoconf: autoconf,
                            realName: realName, render: render, sharedRendering: sharedRendering, token: token)
                    }
                }
            }
            startMore()
            for await outcome in group {
                running -= 1
                results[outcome.index] = outcome.rendered
                done += 1
                for (other, shared) in outcome.shared {
                    if let shared {
                        results[other] = shared
                        done += 1
                    } else {
                        perUser.insert(other, at: 0)
                    }
                }
                progress?(done, total)
                flush()
                startMore()
            }
        }
        flush()
    }
}

/// One domain's lookup in a batch, and its answer rebased for the other addresses of the domain
/// (`sharers`), all rendered — in the child task, so batches use every core, and with the
/// address-independence check made once per domain instead of once per address.
struct DomainOutcome<Rendered: Sendable>: Sendable {
    struct Sharer: Sendable {
        var index: Int
        var email: EmailAddress
        var number: Int
        var input: String
    }

    let index: Int
    let rendered: Rendered
    /// Per sharer: its rendered line, or nil when it must be looked up itself.
    let shared: [(Int, Rendered?)]

    init(
        index: Int, email: EmailAddress, number: Int, input: String, sharers: [Sharer], autoconf: Autoconf, realName: String?,
        render: @Sendable (BatchLookup.Line) -> Rendered, sharedRendering: BatchLookup.SharedRendering<Rendered>? = nil, token: String = ""
    ) async {
        self.index = index
        do {
            let found = try await autoconf.lookup(email)
            let generalized = sharers.isEmpty ? nil : AddressTemplating.independent(found)
            var template: Rendered?
            if let generalized, let sharedRendering, sharers.contains(where: { $0.email != email }), !AddressTemplating.mentions(token, in: found),
                let standIn = try? EmailAddress("\(token)@\(email.domain)"), standIn.domain == email.domain
            {
                template = sharedRendering.template(AddressTemplating.rebase(found, generalized: generalized, to: standIn, realName: realName), token)
            }
            // The first address's line from the template too (one encoding per domain, not two)
            // when the answer rebased onto its own address is the answer itself: the rendering is
            // a function of the result, so it is then the line `render` would make.
            let first: Rendered
            if let template, let sharedRendering, let generalized,
                AddressTemplating.rebase(found, generalized: generalized, to: email, realName: realName).candidates == found.candidates
            {
                first = sharedRendering.fill(template, email.localPart)
            } else {
                first = render(.result(found))
            }
            rendered = first
            shared = sharers.map { sharer in
                if sharer.email == email { return (sharer.index, first) }
                guard let generalized else { return (sharer.index, nil) }
                if let template, let sharedRendering { return (sharer.index, sharedRendering.fill(template, sharer.email.localPart)) }
                return (sharer.index, render(.result(AddressTemplating.rebase(found, generalized: generalized, to: sharer.email, realName: realName))))
            }
        } catch let failure {
            rendered = render(.error(number: number, input: input, message: failure.description))
            shared = sharers.map { ($0.index, render(.error(number: $0.number, input: $0.input, message: failure.description))) }
        }
    }
}
