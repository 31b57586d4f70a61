#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Logs in to the servers of one configuration to prove it works: each incoming protocol's first
/// server (IMAP, POP3) and the first SMTP server, concurrently, all within one deadline.
///
/// For every server it first connects without credentials (a probe: TLS is set up — STARTTLS must
/// succeed or the connection ends — and the capabilities are read), then tries the logins the
/// draft's fallback order gives: for each authentication method the configuration allows and the
/// server offers, the configured username, then the other form (full address ↔ local part). The
/// first that works is recorded. A password never goes over an unencrypted connection unless
/// `allowPlaintext` says so, and never to a server offering only OAuth2.
public struct LoginVerifier: Sendable {
    /// What the test may do and where it connects.
    public struct Options: Sendable {
        /// Bounds the whole test, every server and attempt included.
        public var timeout: Duration
        /// Permits logins over connections with no TLS at all (`--allow-plaintext`).
        public var allowPlaintext: Bool
        /// Extra CA certificates (PEM) trusted in addition to the system roots.
        public var caFile: String?
        /// `--resolve` / `--connect-to`, parsed (`ConnectOverrides.parse`).
        package var overrides: ConnectOverrides
        /// DNS servers (`--dns-server`): the server's name is resolved with them, as every lookup
        /// is, and the address handed to libcurl; empty: libcurl's own resolver.
        public var dnsServers: [String]

        package init(timeout: Duration = .seconds(10), allowPlaintext: Bool = false, caFile: String? = nil,
                    overrides: ConnectOverrides = ConnectOverrides(), dnsServers: [String] = []) {
            self.timeout = timeout
            self.allowPlaintext = allowPlaintext
            self.caFile = caFile
            self.overrides = overrides
            self.dnsServers = dnsServers
        }
    }

    /// The options of every test this verifier runs.
    public var options: Options

    package init(options: Options = Options()) { self.options = options }

    /// The servers a login test covers, in report order.
    public static func servers(of configuration: EmailConfiguration) -> [(ServerCheck.Role, Server)] {
        var chosen: [(ServerCheck.Role, Server)] = []
        for type in [ServerType.imap, .pop3] {
            if let server = configuration.incoming.first(where: { $0.type == type }) { chosen.append((.incoming, server)) }
        }
        if chosen.isEmpty, let first = configuration.incoming.first { chosen.append((.incoming, first)) }
        if let smtp = configuration.outgoing.first(where: { $0.type == .smtp }) ?? configuration.outgoing.first {
            chosen.append((.outgoing, smtp))
        }
        return chosen
    }

    /// `username` overrides the configuration's username for every server (`--username`).
    public func verify(_ configuration: EmailConfiguration, email: EmailAddress, password: Secret, username: String? = nil) async -> VerificationReport {
        let deadline = ContinuousClock.now.advanced(by: options.timeout)
        let servers = Self.servers(of: configuration)
        let checks = await withTaskGroup(of: (Int, ServerCheck).self) { group in
            for (index, (role, server)) in servers.enumerated() {
                group.addTask {
                    (index, await check(server, role: role, configuration: configuration, email: email, password: password, username: username, deadline: deadline))
                }
            }
            var results: [(Int, ServerCheck)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return VerificationReport(email: email.address, servers: checks)
    }

    func check(_ server: Server, role: ServerCheck.Role, configuration: EmailConfiguration, email: EmailAddress, password: Secret, username: String?, deadline: ContinuousClock.Instant) async -> ServerCheck {
        let start = ContinuousClock.now
        let socket = server.socketType ?? .ssl
        var result = ServerCheck(
            role: role, type: server.type.rawValue, host: server.hostname ?? server.url ?? "?", port: server.port ?? 0,
            socket: socket.rawValue, connected: false, capabilities: [], authentication: AuthenticationResult(status: .notTried),
            elapsedMs: 0)
        func finish() -> ServerCheck {
            result.elapsedMs = ((ContinuousClock.now - start).milliseconds * 10).rounded() / 10
            return result
        }
        guard let mailProtocol = MailProtocol(server.type), let host = server.hostname, let port = server.port else {
            result.error = "the login test supports IMAP, POP3 and SMTP servers, not \(server.type.rawValue)"
            return finish()
        }
        if let problem = Self.hostProblem(host) {
            result.error = "invalid hostname: \(problem)"
            return finish()
        }
        if socket == .plain && !options.allowPlaintext {
            result.error = "refusing to send a password over an unencrypted connection (--allow-plaintext permits it)"
            return finish()
        }

        // 1. The probe: no credentials.
        var request = MailSessionRequest(
            mailProtocol: mailProtocol, host: host, port: port, security: socket, timeout: remaining(deadline),
            caFile: options.caFile, resolve: options.overrides.curlResolve, connectTo: options.overrides.curlConnectTo)
        if !options.dnsServers.isEmpty {
            switch await resolveWithDNSServers(host, port: port) {
            case .success(let addresses?): request.resolve = options.overrides.pinning(host: host, port: port, to: addresses).curlResolve
            case .success(nil): break
            case .failure(let why):
                result.error = why.description
                return finish()
            }
        }
        let probe: MailSessionOutcome
        do { probe = try await CurlMailSession(request).perform() } catch {
            result.error = error.description
            return finish()
        }
        result.connected = probe.connected
        result.tlsVersion = probe.tlsVersion
        result.certificateSubject = probe.certificateSubject
        let replies = ServerReplies(mailProtocol: mailProtocol, lines: probe.serverLines)
        result.capabilities = replies.capabilities
        if let problem = Self.connectionProblem(probe, socket: socket) {
            result.error = problem
            return finish()
        }

        // 2. What to try.
        let allowed = server.authentication.isEmpty ? [AuthenticationMethod.passwordCleartext] : server.authenticationMethods
        let offered = replies.saslMechanisms
        let oauthOnlyServer = !offered.isEmpty && offered.allSatisfy { ["XOAUTH2", "OAUTHBEARER"].contains($0) }
        if !allowed.contains(where: \.usesPassword) || oauthOnlyServer {
            result.authentication = AuthenticationResult(
                status: allowed.contains(.oauth2) || oauthOnlyServer ? .needsOAuth : .notTried, oauth2: configuration.oauth2)
            if result.authentication.status == .notTried { result.error = "the configuration allows no password login (\(allowed.map(\.rawValue).joined(separator: ", ")))" }
            return finish()
        }
        let mechanisms = Self.mechanisms(allowed: allowed, offered: offered, replies: replies)
        if mechanisms.isEmpty {
            result.authentication = AuthenticationResult(status: .failed)
            result.error = offered.isEmpty
                ? "the server offers no way to log in with a password here\(mailProtocol == .smtp ? " (no AUTH in its EHLO reply)" : "")"
                : "the server offers none of the configuration's methods (it offers \(offered.joined(separator: " ")))"
            return finish()
        }
        let usernames = Self.usernames(primary: username ?? server.username, email: email)

        // 3. The logins, in the draft's fallback order.
        var attempts: [LoginAttempt] = []
        // Once the server has refused the configuration's own form, the other forms only get
        // `fallbackBudget` more: servers delay every refusal (dovecot's auth_failure_delay, 2 s),
        // and a fallback running into that delay ended at the deadline with libcurl's "server
        // response timeout" instead of the server's own refusal.
        var fallbackDeadline: ContinuousClock.Instant?
        attemptLoop: for mechanism in mechanisms {
            for name in usernames {
                let attemptDeadline = min(deadline, fallbackDeadline ?? deadline)
                if fallbackDeadline != nil && (ContinuousClock.now >= attemptDeadline || Task.isCancelled) { break attemptLoop }
                if ContinuousClock.now >= deadline || Task.isCancelled {
                    result.error = "the login test ran out of time"
                    break attemptLoop
                }
                // Checked again right before sending, whatever the source (--username included).
                if let problem = WireValue.problem(name) {
                    result.error = "the username '\(TerminalText.sanitized(String(name.prefix(60))))' was not sent: \(problem)"
                    continue
                }
                request.username = name
                request.password = password
                request.mechanism = mechanism
                request.timeout = remaining(attemptDeadline)
                let outcome: MailSessionOutcome
                do { outcome = try await CurlMailSession(request).perform() } catch {
                    if fallbackDeadline == nil { result.error = error.description }
                    break attemptLoop
                }
                // A fallback that did not end in a refusal (out of its budget) is not the answer:
                // the server's first refusal is.
                if fallbackDeadline != nil && !outcome.loginDenied && !outcome.succeeded { break attemptLoop }
                let attemptReplies = ServerReplies(mailProtocol: mailProtocol, lines: outcome.serverLines)
                let label = mechanism ?? (mailProtocol == .imap ? "LOGIN-command" : mailProtocol == .pop3 ? "USER-PASS" : "default")
                let succeeded = outcome.succeeded && (mailProtocol != .smtp || attemptReplies.smtpAuthenticated)
                let message = succeeded ? nil : (attemptReplies.refusal ?? outcome.message)
                attempts.append(LoginAttempt(
                    username: name, mechanism: label, succeeded: succeeded, serverMessage: message,
                    elapsedMs: (outcome.elapsedMilliseconds * 10).rounded() / 10))
                if succeeded {
                    result.authentication = AuthenticationResult(status: .succeeded, username: name, mechanism: label, attempts: attempts)
                    return finish()
                }
                if fallbackDeadline == nil { fallbackDeadline = ContinuousClock.now + Self.fallbackBudget }
                // Only a refused login moves on to the next form; anything else ends the test here.
                if !outcome.loginDenied && !(outcome.succeeded && mailProtocol == .smtp) {
                    if let problem = Self.connectionProblem(outcome, socket: socket) { result.error = problem }
                    break attemptLoop
                }
            }
        }
        let first = attempts.first
        // The most telling refusal: one that is not the generic "login denied" from libcurl.
        let message = attempts.compactMap(\.serverMessage).first { !$0.lowercased().contains("login denied") } ?? first?.serverMessage
        result.authentication = AuthenticationResult(status: .failed, username: first?.username, mechanism: first?.mechanism, serverMessage: message, attempts: attempts)
        return finish()
    }

    /// The server's addresses from the `--dns-server` resolvers, nil when `--resolve` or
    /// `--connect-to` already decides where the connection goes (as for HTTP), or for an IP literal.
    private func resolveWithDNSServers(_ host: String, port: Int) async -> Result<[String]?, DNSResolutionFailure> {
        if IPAddress.isLiteral(host) { return .success(nil) }
        if options.overrides.decides(host: host, port: port) { return .success(nil) }
        do {
            let answer = try await LazyDNSResolver(servers: options.dnsServers).addresses(host)
            guard !answer.records.isEmpty else { return .failure(DNSResolutionFailure("cannot resolve \(host): no addresses")) }
            return .success(answer.records)
        } catch {
            return .failure(DNSResolutionFailure("cannot resolve \(host): \(error)"))
        }
    }

    struct DNSResolutionFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// How long the other username/mechanism forms may take after the first refusal.
    static let fallbackBudget: Duration = .seconds(2)

    private func remaining(_ deadline: ContinuousClock.Instant) -> Duration {
        max(.milliseconds(1), deadline - ContinuousClock.now)
    }

    /// A problem with the connection itself, or nil when the server was reached as configured
    /// (a refused command after the TLS setup is not a connection problem).
    static func connectionProblem(_ outcome: MailSessionOutcome, socket: SocketType) -> String? {
        switch outcome.status {
        case .succeeded, .loginDenied, .refused:
            if socket != .plain && outcome.tlsVersion == nil && !outcome.connected { return "no TLS session was established" }
            return nil
        case .startTLSFailed:
            return "the server did not upgrade the connection with STARTTLS; no credential was sent"
        case .cancelled:
            return "cancelled"
        case .timedOut:
            return "timed out: \(outcome.message)"
        case .certificateRejected:
            return "the server's certificate did not validate: \(outcome.message)"
        case .failed:
            return outcome.message
        }
    }

    /// SASL mechanisms to try, in the configuration's order of methods, among those the server
    /// offers. nil stands for the protocol's own login command, used when the server lists no SASL.
    static func mechanisms(allowed: [AuthenticationMethod], offered: [String], replies: ServerReplies) -> [String?] {
        var result: [String?] = []
        for method in allowed {
            let names: [String] =
                switch method {
                case .passwordCleartext: ["PLAIN", "LOGIN"]
                case .passwordEncrypted: ["CRAM-MD5", "DIGEST-MD5"]
                case .ntlm: ["NTLM"]
                default: []
                }
            for name in names where offered.contains(name) && !result.contains(name) { result.append(name) }
            if method == .passwordCleartext && offered.isEmpty && !replies.loginDisabled && replies.mailProtocol != .smtp {
                if !result.contains(where: { $0 == nil }) { result.append(nil) }
            }
        }
        return result
    }

    /// The configured username first, then the other form (full address ↔ local part).
    static func usernames(primary: String?, email: EmailAddress) -> [String] {
        let first = primary ?? email.address
        var names = [first]
        if first == email.address { names.append(email.localPart) } else if first == email.localPart { names.append(email.address) }
        return names
    }

    /// Hostnames reach a URL: only valid DNS names and IP literals.
    static func hostProblem(_ host: String) -> String? {
        if IPAddress.isLiteral(host) { return nil }
        return Hostname.problem(host)
    }
}
