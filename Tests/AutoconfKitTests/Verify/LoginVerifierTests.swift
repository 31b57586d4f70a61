import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// The login test against a real IMAP/POP3/SMTP server on loopback (Tests/Servers/login_server.py)
/// with TLS from the suite's CA. Each test starts its own server, so they run in parallel.
// Serialized: ten Python servers starting at once on a 2-core machine would starve the
// timing-sensitive tests that run beside this suite.
@Suite(.serialized) struct LoginVerifierTests {
    static let email = try! EmailAddress("alice@login.test")
    static let password = "correct horse battery"

    func verifier(_ server: LoginServer, allowPlaintext: Bool = false, caFile: String? = TestCA.shared.caFile) -> LoginVerifier {
        LoginVerifier(options: .init(timeout: .seconds(15), allowPlaintext: allowPlaintext, caFile: caFile, overrides: try! ConnectOverrides.parse(resolve: server.resolve, connectTo: []).get()))
    }

    @Test func loginSucceedsOverImplicitTLSAndSTARTTLS() async throws {
        let server = try await LoginServer.start(accounts: ["alice@login.test": Self.password])
        let configuration = server.configuration(imap: .ssl, pop3: .startTLS, smtp: .startTLS, email: Self.email)
        let report = await verifier(server).verify(configuration, email: Self.email, password: Secret(Self.password))
        #expect(report.succeeded, "\(report)")
        #expect(report.servers.map(\.type) == ["imap", "pop3", "smtp"])
        for check in report.servers {
            #expect(check.connected)
            #expect(check.tlsVersion?.hasPrefix("TLSv1") == true)
            #expect(check.certificateSubject?.contains("mail.login.test") == true, "\(check.certificateSubject ?? "-")")
            #expect(check.authentication.username == "alice@login.test")
            #expect(check.authentication.mechanism == "PLAIN")
            #expect(check.error == nil)
        }
        #expect(report.servers[0].capabilities.contains("AUTH=PLAIN"))
        #expect(report.servers[1].capabilities.contains("SASL PLAIN LOGIN"))
        #expect(report.servers[2].capabilities.contains("AUTH PLAIN LOGIN"))
        // STARTTLS is gone from what the server offers once TLS is up: the post-TLS list counts.
        #expect(!report.servers[2].capabilities.contains("STARTTLS"))
        let logins = server.logins
        #expect(logins.count == 3)
        #expect(logins.allSatisfy { $0["tls"] as? Bool == true })
    }

    @Test func wrongPasswordFailsWithTheServersText() async throws {
        let server = try await LoginServer.start(accounts: ["alice@login.test": Self.password])
        let configuration = server.configuration(imap: .ssl, smtp: .ssl, email: Self.email)
        let report = await verifier(server).verify(configuration, email: Self.email, password: Secret("wrong"))
        #expect(!report.succeeded)
        for check in report.servers {
            #expect(check.authentication.status == .failed)
            #expect(check.authentication.serverMessage?.contains("authentication failed") == true, "\(check.authentication)")
            // PLAIN and LOGIN, each with the address and the local part.
            #expect(check.authentication.attempts.count == 4)
        }
        #expect(server.logins.allSatisfy { $0["tls"] as? Bool == true && $0["ok"] as? Bool == false })
    }

    @Test func refusalBehindAnAuthFailureDelayIsReportedQuickly() async throws {
        // dovecot waits 2 s before every refusal: the fallback forms ran into the 10 s deadline and
        // the report showed libcurl's "server response timeout" instead of the server's refusal.
        let server = try await LoginServer.start(accounts: ["alice@login.test": Self.password], options: ["--fail-delay", "2.5", "--fail-text", "[AUTHENTICATIONFAILED] no"])
        let configuration = server.configuration(imap: .ssl, smtp: nil, email: Self.email)
        let verifier = LoginVerifier(options: .init(timeout: .seconds(10), caFile: TestCA.shared.caFile, overrides: try ConnectOverrides.parse(resolve: server.resolve, connectTo: []).get()))
        let began = ContinuousClock.now
        let report = await verifier.verify(configuration, email: Self.email, password: Secret("wrong"))
        let elapsed = ContinuousClock.now - began
        #expect(!report.succeeded)
        let check = try #require(report.servers.first)
        #expect(check.authentication.status == .failed)
        #expect(check.authentication.serverMessage?.contains("[AUTHENTICATIONFAILED] no") == true, "\(check.authentication)")
        #expect(check.error == nil, "\(check.error ?? "")")
        #expect(elapsed < .seconds(7), "\(elapsed)")
    }

    @Test func honoursDNSServerAndConnectTo() async throws {
        // Only --resolve reached the login test: --dns-server and --connect-to were ignored.
        let server = try await LoginServer.start(accounts: ["alice@login.test": Self.password])
        let dns = try await DNSTestServer.dnsmasq(["host-record=mail.login.test,127.0.0.1"])
        let configuration = server.configuration(imap: .ssl, smtp: .ssl, email: Self.email)
        let viaDNS = LoginVerifier(options: .init(timeout: .seconds(10), caFile: TestCA.shared.caFile, dnsServers: [dns.address]))
        let report = await viaDNS.verify(configuration, email: Self.email, password: Secret(Self.password))
        #expect(report.succeeded, "\(report)")

        // --connect-to: the configuration names port 993/465, the mapping sends them to the server.
        var moved = configuration
        moved.incoming[0].port = 993
        moved.outgoing[0].port = 465
        let connectTo = ["mail.login.test:993:127.0.0.1:\(server.port("imaps"))", "mail.login.test:465:127.0.0.1:\(server.port("smtps"))"]
        let viaConnectTo = LoginVerifier(options: .init(timeout: .seconds(10), caFile: TestCA.shared.caFile, overrides: try ConnectOverrides.parse(resolve: [], connectTo: connectTo).get()))
        let moving = await viaConnectTo.verify(moved, email: Self.email, password: Secret(Self.password))
        #expect(moving.succeeded, "\(moving)")
        #expect(moving.servers.map(\.port) == [993, 465])
    }

    @Test func fallsBackToTheLocalPart() async throws {
        let server = try await LoginServer.start(accounts: ["alice": Self.password])
        let configuration = server.configuration(imap: .ssl, pop3: .ssl, smtp: .ssl, email: Self.email)
        let report = await verifier(server).verify(configuration, email: Self.email, password: Secret(Self.password))
        #expect(report.succeeded, "\(report)")
        for check in report.servers {
            #expect(check.authentication.username == "alice")
            #expect(check.authentication.attempts.map(\.username) == ["alice@login.test", "alice"])
        }
    }

    @Test func strippedSTARTTLSSendsNoCredential() async throws {
        let server = try await LoginServer.start(accounts: ["alice@login.test": Self.password], options: ["--strip-starttls"])
        let configuration = server.configuration(imap: .startTLS, pop3: .startTLS, smtp: .startTLS, email: Self.email)
        let report = await verifier(server).verify(configuration, email: Self.email, password: Secret(Self.password))
        #expect(!report.succeeded)
        for check in report.servers {
            #expect(check.authentication.status == .notTried)
            #expect(check.error?.contains("STARTTLS") == true, "\(check.error ?? "-")")
        }
        #expect(server.logins.isEmpty)
    }

    @Test func plaintextIsRefusedUnlessAllowed() async throws {
        let server = try await LoginServer.start(accounts: ["alice@login.test": Self.password], options: ["--strip-starttls"])
        let configuration = server.configuration(imap: .plain, smtp: .plain, email: Self.email)
        let refused = await verifier(server).verify(configuration, email: Self.email, password: Secret(Self.password))
        #expect(refused.servers.allSatisfy { $0.error?.contains("unencrypted") == true && !$0.connected })
        #expect(server.logins.isEmpty)
        let allowed = await verifier(server, allowPlaintext: true).verify(configuration, email: Self.email, password: Secret(Self.password))
        #expect(allowed.succeeded, "\(allowed)")
        #expect(allowed.servers.allSatisfy { $0.tlsVersion == nil })
        #expect(server.logins.allSatisfy { $0["tls"] as? Bool == false })
    }

    @Test func appPasswordTextIsShown() async throws {
        let text = "[ALERT] Application-specific password required"
        let server = try await LoginServer.start(accounts: ["alice@login.test": Self.password], options: ["--fail-text", text])
        let configuration = server.configuration(imap: .ssl, pop3: .ssl, smtp: .ssl, email: Self.email)
        let report = await verifier(server).verify(configuration, email: Self.email, password: Secret("account password"))
        for check in report.servers {
            #expect(check.authentication.serverMessage?.contains("Application-specific password required") == true, "\(check.authentication)")
        }
    }

    @Test func protocolsOwnLoginCommandsWhenNoSASLIsOffered() async throws {
        let server = try await LoginServer.start(accounts: ["alice@login.test": Self.password], options: ["--only-mechanisms", ""])
        let configuration = server.configuration(imap: .ssl, pop3: .ssl, smtp: .ssl, email: Self.email)
        let report = await verifier(server).verify(configuration, email: Self.email, password: Secret(Self.password))
        #expect(report.servers[0].authentication.mechanism == "LOGIN-command", "\(report.servers[0])")
        #expect(report.servers[0].authentication.status == .succeeded)
        #expect(report.servers[1].authentication.mechanism == "USER-PASS", "\(report.servers[1])")
        #expect(report.servers[1].authentication.status == .succeeded)
        // An SMTP server without AUTH cannot prove a login: reported, not counted as success.
        #expect(report.servers[2].authentication.status == .failed)
        #expect(report.servers[2].error?.contains("AUTH") == true)
    }

    @Test func oauthOnlyIsReportedNotTried() async throws {
        let server = try await LoginServer.start(accounts: ["alice@login.test": Self.password])
        var configuration = server.configuration(imap: .ssl, smtp: .ssl, authentication: [.oauth2], email: Self.email)
        configuration.oauth2 = OAuth2Settings(issuer: "login.test", scope: "mail", authURL: "https://login.test/auth", tokenURL: "https://login.test/token")
        let report = await verifier(server).verify(configuration, email: Self.email, password: Secret(Self.password))
        #expect(report.needsOAuth)
        #expect(report.servers.allSatisfy { $0.authentication.status == .needsOAuth && $0.authentication.oauth2?.issuer == "login.test" })
        #expect(server.logins.isEmpty)
    }

    @Test func untrustedCertificateStopsBeforeLogin() async throws {
        let server = try await LoginServer.start(accounts: ["alice@login.test": Self.password])
        let configuration = server.configuration(imap: .ssl, smtp: .startTLS, email: Self.email)
        let report = await verifier(server, caFile: TestCA.rogue.caFile).verify(configuration, email: Self.email, password: Secret(Self.password))
        #expect(report.servers.allSatisfy { $0.authentication.status == .notTried && $0.error != nil })
        #expect(server.logins.isEmpty)
    }

    @Test func secretNeverPrints() {
        let secret = Secret("hunter2")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("hunter2"))
    }
}

/// A username carrying CR/LF (from any source) must never reach the server as extra commands.
@Suite(.serialized) struct LoginInjectionTests {
    @Test func crlfInAUsernameSendsNoInjectedCommand() async throws {
        let email = try EmailAddress("alice@login.test")
        let server = try await LoginServer.start(accounts: ["alice@login.test": "pw"])
        let hostile = "alice@login.test\r\nX1 SELECT INBOX\r\nX2 STORE 1:* +FLAGS (\\Deleted)"
        let configuration = server.configuration(imap: .ssl, smtp: nil, username: hostile, email: email)
        let verifier = LoginVerifier(options: .init(timeout: .seconds(15), caFile: TestCA.shared.caFile, overrides: try ConnectOverrides.parse(resolve: server.resolve, connectTo: []).get()))
        let report = await verifier.verify(configuration, email: email, password: Secret("wrong"))
        #expect(!report.succeeded)
        let commands = server.imapCommands.compactMap { $0["command"] as? String }
        #expect(!commands.contains("SELECT") && !commands.contains("STORE"), "\(commands)")
        #expect(!server.imapCommands.contains { ($0["tag"] as? String)?.hasPrefix("X") == true })
        #expect(!server.logins.contains { ($0["user"] as? String)?.contains("SELECT") == true })
        // The same through --username.
        let viaOption = await verifier.verify(configuration, email: email, password: Secret("wrong"), username: "bob\r\nX3 LOGOUT")
        #expect(!viaOption.succeeded)
        #expect(!server.imapCommands.contains { ($0["tag"] as? String)?.hasPrefix("X") == true })
    }
}
