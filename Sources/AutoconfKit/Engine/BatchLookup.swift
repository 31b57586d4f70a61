/// Looks up many addresses: results come back in input order, each domain is looked up once (the
/// other addresses of that domain get the same answer with their own usernames when it does not
/// depend on the address — `AddressTemplating.independent` — else their own lookup), and at most
/// `jobs` lookups run at a time. A line that is not an address yields an error for that line only.
public struct BatchLookup: Sendable {
    public enum Line: Sendable {
        case result(LookupResult)
        /// `number` is 1-based, as editors count.
        case error(number: Int, input: String, message: String)
    }

    public var autoconf: Autoconf
    public var jobs: Int

    public init(autoconf: Autoconf, jobs: Int = 4) {
        self.autoconf = autoconf
        self.jobs = max(1, jobs)
    }

    /// Blank lines and lines starting with `#` are skipped (they produce nothing).
    public static func addresses(in text: String) -> [(number: Int, input: String)] {
        // CR LF, lone CR and LF all end a line; a UTF-8 byte order mark is skipped.
        var rawLines: [String] = []
        var current = String.UnicodeScalarView()
        var scalars = text.unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var previousWasCR = false
        for scalar in scalars {
            if scalar == "\n" && previousWasCR { previousWasCR = false; continue }
            previousWasCR = scalar == "\r"
            if scalar == "\n" || scalar == "\r" {
                rawLines.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        rawLines.append(String(current))
        return rawLines.enumerated().compactMap { index, raw in
            let line = raw.trimmed
            return line.isEmpty || line.hasPrefix("#") ? nil : (index + 1, line)
        }
    }

    /// `emit` receives every line's outcome in input order, as soon as it and all before it are
    /// done; `flushed` is called after each burst of `emit` calls (a front end that buffers its
    /// output writes it then); `progress` gets (done, total) addresses after each lookup.
    public func run(
        _ lines: [(number: Int, input: String)], progress: (@Sendable (Int, Int) -> Void)? = nil,
        emit: @Sendable (Int, Line) -> Void, flushed: (@Sendable () -> Void)? = nil
    ) async {
        // Parse first: bad lines are answered at once, good ones grouped by domain.
        var parsed: [Int: EmailAddress] = [:]
        var immediate: [Int: Line] = [:]
        var firstIndexes: [Int] = []
        var firstOfDomain: [String: Int] = [:]
        var others: [Int: [Int]] = [:]
        for (index, line) in lines.enumerated() {
            do {
                let email = try EmailAddress(line.input)
                parsed[index] = email
                if let first = firstOfDomain[email.domain] {
                    others[first, default: []].append(index)
                } else {
                    firstOfDomain[email.domain] = index
                    firstIndexes.append(index)
                }
            } catch {
                immediate[index] = .error(number: line.number, input: line.input, message: AutoconfError.invalidAddress(line.input, error).description)
            }
        }
        let autoconf = self.autoconf
        let realName = autoconf.options.realName
        let total = parsed.count
        var results: [Int: Result<LookupResult, AutoconfError>] = [:]
        var next = 0
        func emitReady() {
            while next < lines.count {
                if let line = immediate[next] {
                    emit(next, line)
                } else if let result = results[next] {
                    switch result {
                    case .success(let found): emit(next, .result(found))
                    case .failure(let error): emit(next, .error(number: lines[next].number, input: lines[next].input, message: error.description))
                    }
                } else {
                    return
                }
                next += 1
            }
        }
        func flush() {
            emitReady()
            flushed?()
        }
        flush()
        // The child result is a plain struct: a (String, Result<_, AutoconfError>) tuple from a
        // typed-throws closure crashed in release builds (Swift 6.3, inside the task group).
        await withTaskGroup(of: DomainOutcome.self) { group in
            // One lookup per domain first; the other addresses of a domain share its answer only
            // when it does not depend on the address, else they are looked up themselves.
            var pending = firstIndexes[...]
            var perUser: [Int] = []
            var running = 0
            func startMore() {
                while running < jobs {
                    let index: Int
                    if let item = perUser.popLast() { index = item } else if let item = pending.popFirst() { index = item } else { return }
                    guard let email = parsed[index] else { continue }
                    running += 1
                    group.addTask { await DomainOutcome(index: index, email: email, autoconf: autoconf) }
                }
            }
            startMore()
            for await outcome in group {
                running -= 1
                let result: Result<LookupResult, AutoconfError> = outcome.result.map { .success($0) } ?? .failure(outcome.error ?? .invalidOption("lookup failed"))
                results[outcome.index] = result
                for other in others.removeValue(forKey: outcome.index) ?? [] {
                    guard let email = parsed[other] else { continue }
                    switch result {
                    case .success(let found):
                        if let shared = AddressTemplating.rebase(found, to: email, realName: realName) {
                            results[other] = .success(shared)
                        } else {
                            perUser.insert(other, at: 0)
                        }
                    case .failure:
                        results[other] = result
                    }
                }
                progress?(results.count, total)
                flush()
                startMore()
            }
        }
        flush()
    }
}

/// One domain's lookup in a batch.
struct DomainOutcome: Sendable {
    let index: Int
    let result: LookupResult?
    let error: AutoconfError?

    init(index: Int, email: EmailAddress, autoconf: Autoconf) async {
        self.index = index
        do {
            result = try await autoconf.lookup(email)
            error = nil
        } catch let failure {
            result = nil
            error = failure
        }
    }
}
