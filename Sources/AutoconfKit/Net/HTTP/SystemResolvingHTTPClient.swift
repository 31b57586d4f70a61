#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization

/// With the system's resolvers, resolves a request's host the way libcurl's threaded resolver
/// does (getaddrinfo on a thread of its own), but at once — beside the loading of libcurl and
/// OpenSSL (~15–20 ms) instead of after it — and hands the addresses to the client pinned for
/// that request. The first DNS round trip of every HTTP source then overlaps the library load.
///
/// The host is guessed from the URL's text only to start early (`plainTarget`: `http://` or
/// `https://` and a plain hostname); the request goes on only when libcurl's own parse of the
/// URL (`URLHost`) names the same host and port, else the client resolves the host itself, as
/// it does for anything else: hosts decided by `--resolve`/`--connect-to`, IP literals, and every
/// request while a proxy is configured in the environment (the proxy resolves the host then).
/// `prepare` (the redirect follower calls it before it waits for libcurl to parse the URL)
/// starts the resolution; `fetch` takes it over, or starts one itself.
///
/// A name getaddrinfo says does not exist is the same `.resolve` failure libcurl reports, and a
/// resolution that outlasts the connect timeout the same `.timeout` (libcurl counts resolving
/// in its connect timeout); any other resolver failure leaves the host to libcurl.
package final class SystemResolvingHTTPClient: HTTPFetching, HTTPPreparing {
    package let inner: any HTTPFetching
    package let overrides: ConnectOverrides
    package let connectTimeout: Duration
    /// False while a proxy variable is set (libcurl reads them by default).
    package let enabled: Bool

    package init(inner: any HTTPFetching, overrides: ConnectOverrides, connectTimeout: Duration, environment: [String: String]) {
        self.inner = inner
        self.overrides = overrides
        self.connectTimeout = connectTimeout
        // curl reads these (HTTP_PROXY in upper case is ignored by curl on purpose).
        let proxyVariables = ["http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
        enabled = !proxyVariables.contains { !(environment[$0] ?? "").isEmpty }
    }

    /// Resolutions by host, in flight or found, shared by the requests of the next 60 seconds —
    /// as libcurl's own DNS cache shares them (`CURLOPT_DNS_CACHE_TIMEOUT`, 60 s). Failures are
    /// not kept. At most `maximumHosts`; the table is emptied when full.
    private let lookups = Mutex<[String: (lookup: SystemAddressLookup, started: ContinuousClock.Instant)]>([:])
    static let maximumHosts = 256
    static let reuseFor: Duration = .seconds(60)

    /// How many resolutions this client has started (tests).
    var resolutionsStarted: Int { started.withLock { $0 } }
    private let started = Mutex(0)

    package func prepare(_ request: HTTPRequest) {
        if let guess = resolvableTarget(request) { _ = lookup(guess.host) }
    }

    /// The guessed host and port of a request this client resolves itself, or nil.
    private func resolvableTarget(_ request: HTTPRequest) -> (host: String, port: Int)? {
        guard enabled, request.addresses == nil, let guess = Self.plainTarget(request.url),
              !overrides.decides(host: guess.host, port: guess.port) else { return nil }
        return guess
    }

    /// The resolution of `host` to wait for: a usable one already started, else a new one.
    private func lookup(_ host: String) -> SystemAddressLookup {
        let now = ContinuousClock.now
        return lookups.withLock { lookups in
            if let known = lookups[host], now - known.started < Self.reuseFor, known.lookup.isUsable { return known.lookup }
            if lookups.count >= Self.maximumHosts { lookups.removeAll() }
            let made = SystemAddressLookup(host: host)
            started.withLock { $0 += 1 }
            lookups[host] = (made, now)
            return made
        }
    }

    package func fetch(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        guard let guess = resolvableTarget(request) else { return try await inner.fetch(request) }
        let lookup = lookup(guess.host)
        await CurlLibrary.ready()  // URLHost parses with libcurl: loaded off the pool meanwhile
        guard let target = URLHost.parse(request.url), target.host == guess.host, target.port == guess.port else {
            return try await inner.fetch(request)
        }
        switch await lookup.outcome(within: connectTimeout) {
        case .addresses(let addresses):
            var resolved = request
            resolved.addresses = addresses
            return try await inner.fetch(resolved)
        case .noSuchName:
            throw .resolve("\(guess.host): Could not resolve host: \(guess.host)")
        case .cancelled:
            throw .cancelled
        case .timedOut:
            throw .timeout("\(guess.host): Resolving timed out after \(Int(connectTimeout.milliseconds)) milliseconds")
        case .failed:
            return try await inner.fetch(request)
        }
    }

    /// `http://HOST` or `https://HOST` followed by `/`, `?` or the end, with HOST a valid
    /// hostname that is not an IP address: the host and the scheme's port. Only a guess, checked
    /// against libcurl's parse before anything is pinned.
    static func plainTarget(_ url: String) -> (host: String, port: Int)? {
        let lowercased = url.prefix(8).lowercased()
        let (start, port): (Int, Int)
        if lowercased.hasPrefix("https://") {
            (start, port) = (8, 443)
        } else if lowercased.hasPrefix("http://") {
            (start, port) = (7, 80)
        } else {
            return nil
        }
        let rest = url.utf8.dropFirst(start)
        let hostBytes = rest.prefix { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }
        guard let host = String(hostBytes), Hostname.isValid(host), !IPAddress.isLiteral(host), !IPAddress.looksNumeric(host),
              host.utf8.allSatisfy({ $0 != UInt8(ascii: ":") && $0 != UInt8(ascii: "@") })
        else { return nil }
        return (Hostname.normalized(host), port)
    }
}

/// A fetcher that can start work for a request it will soon be asked to fetch.
package protocol HTTPPreparing {
    func prepare(_ request: HTTPRequest)
}

/// One getaddrinfo(3) call on a resolver thread, started by `init`; `outcome(within:)` suspends
/// — never blocks — until it is done, the time is up (`.timedOut`, for every waiter) or the
/// waiting task is cancelled (`.cancelled`, for that waiter); a late result is then dropped.
final class SystemAddressLookup: Sendable {
    enum Outcome: Sendable, Equatable {
        /// Numeric addresses in getaddrinfo's order (RFC 6724, as libcurl would try them).
        case addresses([String])
        /// EAI_NONAME: the name does not exist or has no addresses.
        case noSuchName
        /// Any other failure (no resolver reachable, a temporary failure, no thread).
        case failed
        case timedOut
        case cancelled
    }

    private struct State {
        var outcome: Outcome?
        var waiting: [Int: CheckedContinuation<Outcome, Never>] = [:]
        var cancelled: Set<Int> = []
        var nextWaiter = 0
    }
    private let state = Mutex(State())

    init(host: String) {
        if !ResolverThreads.shared.submit({ [self] in self.deliver(Self.resolve(host)) }) { deliver(.failed) }
    }

    /// In flight, or done with addresses: worth waiting for again.
    var isUsable: Bool {
        state.withLock { state in
            guard let outcome = state.outcome else { return true }
            if case .addresses = outcome { return true }
            return false
        }
    }

    /// Several requests may wait for one resolution; each one's cancellation ends only its wait.
    func outcome(within limit: Duration) async -> Outcome {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        let timer = Task { [self] in
            try? await Task.sleep(for: limit)
            if !Task.isCancelled { deliver(.timedOut) }
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Outcome? in
                    if let outcome = state.outcome { return outcome }
                    if state.cancelled.remove(id) != nil { return .cancelled }
                    state.waiting[id] = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Outcome, Never>? in
                if let waiter = state.waiting.removeValue(forKey: id) { return waiter }
                if state.outcome == nil { state.cancelled.insert(id) }
                return nil
            }
            waiter?.resume(returning: .cancelled)
        }
    }

    private func deliver(_ outcome: Outcome) {
        let waiting = state.withLock { state -> [CheckedContinuation<Outcome, Never>] in
            guard state.outcome == nil else { return [] }
            state.outcome = outcome
            defer { state.waiting = [:] }
            return Array(state.waiting.values)
        }
        for waiter in waiting { waiter.resume(returning: outcome) }
    }

    /// What libcurl's threaded resolver asks: any family, stream sockets.
    static func resolve(_ host: String) -> Outcome {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        defer { if let list { freeaddrinfo(list) } }
        guard status == 0 else { return status == EAI_NONAME ? .noSuchName : .failed }
        var addresses: [String] = []
        var entry = list
        while let current = entry {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if let address = current.pointee.ai_addr,
               getnameinfo(address, current.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                // A scoped (link-local) address cannot be written as a curl pin: leave the host to curl.
                if text.contains("%") { return .failed }
                if !addresses.contains(text) { addresses.append(text) }
            }
            entry = current.pointee.ai_next
        }
        return addresses.isEmpty ? .failed : .addresses(addresses)
    }
}

/// The threads getaddrinfo runs on. `count` are made once per process before libcurl is loaded
/// (the network warm-up makes them first, see `LoaderGate`): a thread created while a dlopen runs
/// cannot be created until the dynamic loader's lock is free, which made every resolution wait for
/// libcurl's load. A resolution submitted while they are being made waits for the first of them
/// that is ready; one that finds no thread idle or coming gets a thread of its own, as in
/// libcurl's threaded resolver, so names whose DNS hangs never hold up the others.
final class ResolverThreads: Sendable {
    static let shared = ResolverThreads(count: 8)

    private struct State {
        var queue: [@Sendable () -> Void] = []
        var idle = 0
        /// Threads being made that will take jobs.
        var coming = 0
        var started = false
    }
    private let count: Int
    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    /// Entered while the threads are being made.
    private let making = DispatchGroup()

    init(count: Int) { self.count = count }

    /// Makes the threads unless that is done; returns when they are made (by this call or the
    /// one already making them), so a load started next cannot hold up their creation.
    func start() {
        if state.withLock({ claim(&$0) }) { makeThreads() } else { making.wait() }
    }

    /// True (the threads then counted as coming) for the one caller that is to make them.
    private func claim(_ state: inout State) -> Bool {
        guard !state.started else { return false }
        state.started = true
        state.coming = count
        making.enter()
        return true
    }

    private func makeThreads() {
        defer { making.leave() }
        for index in 0..<count {
            let created = DetachedThread.tryStart(name: "autoconf-gai\(index)") { [self] in
                var first = true
                while true {
                    state.withLock { state in
                        state.idle += 1
                        if first { state.coming -= 1 }
                    }
                    first = false
                    available.wait()
                    let job = state.withLock { state -> (@Sendable () -> Void)? in
                        state.idle -= 1
                        return state.queue.isEmpty ? nil : state.queue.removeFirst()
                    }
                    job?()
                }
            }
            if created != 0 {
                // Out of threads: jobs queued for the ones that never came run here, not never.
                let orphans = state.withLock { state -> [@Sendable () -> Void] in
                    state.coming -= count - index
                    let excess = max(0, state.queue.count - state.idle - state.coming)
                    defer { state.queue.removeLast(excess) }
                    return Array(state.queue.suffix(excess))
                }
                for job in orphans { job() }
                return
            }
        }
    }

    /// Runs `job` on an idle resolver thread, else on a thread of its own; false when no thread
    /// could be had.
    func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        // Queued before the threads are made (when this call is the one to make them), so the
        // first thread takes it at once.
        let (queued, makes) = state.withLock { state -> (Bool, Bool) in
            let makes = claim(&state)
            guard state.idle + state.coming > state.queue.count else { return (false, makes) }
            state.queue.append(job)
            return (true, makes)
        }
        if queued { available.signal() }
        if makes { makeThreads() }
        if queued { return true }
        return DetachedThread.tryStart(name: "autoconf-gai", job) == 0
    }
}
