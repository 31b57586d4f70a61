/// Looks up many addresses: results come back in input order, each domain is looked up once (the
/// other addresses of that domain get the same answer with their own usernames), and at most
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
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, raw in
            let line = raw.trimmed
            return line.isEmpty || line.hasPrefix("#") ? nil : (index + 1, line)
        }
    }

    /// `emit` receives every line's outcome in input order, as soon as it and all before it are
    /// done; `progress` gets (done, total) after each domain lookup.
    public func run(
        _ lines: [(number: Int, input: String)], progress: (@Sendable (Int, Int) -> Void)? = nil,
        emit: @Sendable (Int, Line) -> Void
    ) async {
        // Parse first: bad lines are answered at once, good ones grouped by domain.
        var parsed: [Int: EmailAddress] = [:]
        var immediate: [Int: Line] = [:]
        var domains: [String] = []
        var firstAddress: [String: EmailAddress] = [:]
        for (index, line) in lines.enumerated() {
            do {
                let email = try EmailAddress(line.input)
                parsed[index] = email
                if firstAddress[email.domain] == nil {
                    firstAddress[email.domain] = email
                    domains.append(email.domain)
                }
            } catch {
                immediate[index] = .error(number: line.number, input: line.input, message: AutoconfError.invalidAddress(line.input, error).description)
            }
        }
        let autoconf = self.autoconf
        let realName = autoconf.options.realName
        var results: [String: Result<LookupResult, AutoconfError>] = [:]
        var next = 0
        func flush() {
            while next < lines.count {
                if let line = immediate[next] {
                    emit(next, line)
                } else if let email = parsed[next], let result = results[email.domain] {
                    switch result {
                    case .success(let found):
                        emit(next, .result(AddressTemplating.rebase(found, to: email, realName: realName)))
                    case .failure(let error):
                        emit(next, .error(number: lines[next].number, input: lines[next].input, message: error.description))
                    }
                } else {
                    return
                }
                next += 1
            }
        }
        flush()
        // The child result is a plain struct: a (String, Result<_, AutoconfError>) tuple from a
        // typed-throws closure crashed in release builds (Swift 6.3, inside the task group).
        await withTaskGroup(of: DomainOutcome.self) { group in
            var pending = domains[...]
            func startNext() {
                guard let domain = pending.popFirst(), let email = firstAddress[domain] else { return }
                group.addTask { await DomainOutcome(domain: domain, email: email, autoconf: autoconf) }
            }
            for _ in 0..<min(jobs, domains.count) { startNext() }
            var done = 0
            for await outcome in group {
                let domain = outcome.domain
                results[domain] = outcome.result.map { .success($0) } ?? .failure(outcome.error ?? .invalidOption("lookup failed"))
                done += 1
                progress?(done, domains.count)
                flush()
                startNext()
            }
        }
        flush()
    }
}

/// One domain's lookup in a batch.
struct DomainOutcome: Sendable {
    let domain: String
    let result: LookupResult?
    let error: AutoconfError?

    init(domain: String, email: EmailAddress, autoconf: Autoconf) async {
        self.domain = domain
        do {
            result = try await autoconf.lookup(email)
            error = nil
        } catch let failure {
            result = nil
            error = failure
        }
    }
}
