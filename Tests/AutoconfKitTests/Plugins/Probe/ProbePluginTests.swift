import AutoconfKit
import AutoconfTestSupport
import Foundation
import Testing

/// The probe plugin and the mail prober against real IMAP/POP3/SMTP servers on 127.0.0.1
/// (mail_server.py), with certificates from the suite's CA (or a rogue one), and DNS from dnsmasq.
@Suite struct ProbePluginTests {
    static func map(_ host: String, _ port: Int, to server: MailTestServer, _ name: String) -> String {
        "\(host):\(port):127.0.0.1:\(server.port(name))"
    }

    @Test func findsImplicitTLSServersWithValidatedCertificates() async throws {
        let names = ["imap.probe1.test", "smtp.probe1.test"]
        let mail = try await MailTestServer.start([.init("imaps", "imap", .implicit), .init("smtps", "smtp", .implicit), .init("sub", "smtp", .starttls)], names: names)
        let dns = try await DNSTestServer.dnsmasq([])
        let result = try await resolve("a@probe1.test", plugins: [ProbePlugin()], dns: dns, connectTo: [
            Self.map("imap.probe1.test", 993, to: mail, "imaps"), Self.map("smtp.probe1.test", 465, to: mail, "smtps"),
            Self.map("smtp.probe1.test", 587, to: mail, "sub"),
        ])
        let best = try #require(result.best)
        #expect(best.configuration.incoming.first?.endpoint == "imap.probe1.test:993")
        #expect(best.configuration.incoming.first?.socketType == .ssl)
        #expect(best.configuration.incoming.first?.authenticationMethods.contains(.passwordCleartext) == true)
        #expect(best.configuration.incoming.first?.authentication.contains { $0.method == .passwordEncrypted && $0.system == "SCRAM-SHA-256" } == true)
        #expect(best.configuration.outgoing.first?.endpoint == "smtp.probe1.test:465")
        #expect(best.configuration.outgoing.first?.authenticationMethods == [.passwordCleartext])
        #expect(best.trust == .confirm(.guessed))
        #expect(best.provenance.channel == .probe)
        #expect(best.provenance.tlsVerified == true)
    }

    @Test func findsStartTLSOnlyServersAndPerformsTheUpgrade() async throws {
        let names = ["mail.probe2.test"]
        let mail = try await MailTestServer.start([.init("imap", "imap", .starttls), .init("pop", "pop3", .starttls), .init("sub", "smtp", .starttls)], names: names)
        let dns = try await DNSTestServer.dnsmasq([])
        let result = try await resolve("a@probe2.test", plugins: [ProbePlugin()], dns: dns, connectTo: [
            Self.map("mail.probe2.test", 143, to: mail, "imap"), Self.map("mail.probe2.test", 110, to: mail, "pop"),
            Self.map("mail.probe2.test", 587, to: mail, "sub"),
        ])
        let best = try #require(result.best)
        #expect(best.configuration.incoming.first?.endpoint == "mail.probe2.test:143")
        #expect(best.configuration.incoming.first?.socketType == .startTLS)
        // Capabilities were read again after TLS: LOGINDISABLED is gone, AUTH=PLAIN appears.
        #expect(best.configuration.incoming.first?.authenticationMethods.contains(.passwordCleartext) == true)
        #expect(best.configuration.outgoing.first?.endpoint == "mail.probe2.test:587")
        #expect(best.configuration.outgoing.first?.authenticationMethods == [.passwordCleartext])
        #expect(best.trust == .confirm(.guessed))
    }

    @Test func invalidCertificateIsReportedAndNeverBeatsAValidOne() async throws {
        // imap.probe3.test:993 has a certificate from a CA nobody trusts; mail.probe3.test:143
        // validates after STARTTLS and must win, though implicit TLS normally ranks first.
        let rogue = try await MailTestServer.start([.init("imaps", "imap", .implicit), .init("smtps", "smtp", .implicit)], names: ["imap.probe3.test", "smtp.probe3.test"], ca: .rogue)
        let good = try await MailTestServer.start([.init("imap", "imap", .starttls)], names: ["mail.probe3.test"])
        let dns = try await DNSTestServer.dnsmasq([])
        let result = try await resolve("a@probe3.test", plugins: [ProbePlugin()], dns: dns, connectTo: [
            Self.map("imap.probe3.test", 993, to: rogue, "imaps"), Self.map("smtp.probe3.test", 465, to: rogue, "smtps"),
            Self.map("mail.probe3.test", 143, to: good, "imap"),
        ])
        let best = try #require(result.best)
        #expect(best.configuration.incoming.first?.endpoint == "mail.probe3.test:143")
        #expect(best.configuration.incoming.contains { $0.endpoint == "imap.probe3.test:993" && $0.extras["certificateProblem"] != nil })
        // The only SMTP server has a bad certificate: reported in trust, not silently accepted.
        #expect(best.configuration.outgoing.first?.endpoint == "smtp.probe3.test:465")
        #expect(best.trust.reasons.contains(.invalidCertificate))
        #expect(best.trust.level == .confirm)
        #expect(best.provenance.tlsVerified == false)
    }

    @Test func port25RelayWithoutAuthIsNoSubmissionServer() async throws {
        let mail = try await MailTestServer.start([.init("imaps", "imap", .implicit), .init("mx", "smtp", .starttls, auth: false)], names: ["imap.probe4.test", "smtp.probe4.test"])
        let dns = try await DNSTestServer.dnsmasq([])
        let result = try await resolve("a@probe4.test", plugins: [ProbePlugin()], dns: dns, connectTo: [
            Self.map("imap.probe4.test", 993, to: mail, "imaps"), Self.map("smtp.probe4.test", 25, to: mail, "mx"),
        ])
        #expect(!result.found)
        #expect(result.report("probe")?.status == .notFound)
    }

    @Test func onlyNamesThatResolveAreProbed() async throws {
        // DNS: imap/smtp names point at 127.0.0.1; the servers listen on random ports, so the
        // standard ports are refused at once and nothing is found, quickly.
        let dns = try await DNSTestServer.dnsmasq(["host-record=imap.probe5.test,127.0.0.1", "host-record=smtp.probe5.test,127.0.0.1"])
        let start = ContinuousClock.now
        let result = try await resolve("a@probe5.test", plugins: [ProbePlugin()], dns: dns)
        #expect(!result.found)
        #expect(ContinuousClock.now - start < .seconds(3))
        let none = try await resolve("a@nothing.test", plugins: [ProbePlugin()], dns: dns)
        #expect(none.report("probe")?.status == .notFound)
    }

    @Test func proberTimesOutOnASilentServer() async throws {
        // A TCP listener that accepts and never greets (the dead DNS stub's TCP side).
        let silent = try await DNSTestServer.silent()
        let prober = MailProber(caFile: try await offThePool { TestCA.shared.caFile })
        let start = ContinuousClock.now
        let result = await prober.probe(MailProbeTarget(host: "127.0.0.1", port: silent.port, type: .imap, security: .startTLS), addresses: ["127.0.0.1"], timeout: .milliseconds(300))
        guard case .failure(.timeout) = result else {
            Issue.record("expected a timeout, got \(result)")
            return
        }
        // Bounded by the 300 ms timeout plus scheduling on a loaded two-core machine.
        #expect(ContinuousClock.now - start < .milliseconds(2500))
    }

    /// A Dovecot-style greeting (`* OK [CAPABILITY …]`) is used as is: the server refuses the
    /// CAPABILITY command, so the probe only succeeds with the right methods by reading the greeting.
    @Test func imapGreetingCapabilitiesSaveTheCapabilityRoundTrip() async throws {
        let mail = try await MailTestServer.start([.init("imaps", "imap", .implicit, greetingCapabilities: true)], names: ["imap.greet.test"])
        let prober = MailProber(caFile: try await offThePool { TestCA.shared.caFile },
                                overrides: try ConnectOverrides.parse(resolve: [], connectTo: ["imap.greet.test:993:127.0.0.1:\(mail.port("imaps"))"]).get())
        let result = await prober.probe(MailProbeTarget(host: "imap.greet.test", port: 993, type: .imap, security: .ssl), addresses: [], timeout: .seconds(3))
        guard case .success(let probe) = result else {
            Issue.record("probe failed: \(result)")
            return
        }
        #expect(probe.greeting.hasPrefix("* OK [CAPABILITY "))
        #expect(probe.capabilities.contains("AUTH=PLAIN"))
        #expect(probe.certificateValid == true)
    }
}

@Suite struct ProbeSettledTests {
    /// `imap.D:993` and `smtp.D:465` validate: nothing can rank above them, so the slow STARTTLS
    /// ports (their greeting comes after 2 s here) are not waited for, and never listed, even
    /// when they are fast: the answer does not depend on which probe finished first.
    @Test func theMostPreferredValidatedServersSettleTheAnswer() async throws {
        let dns = try await DNSTestServer.dnsmasq([])
        let map = ProbePluginTests.map
        for delay in [2000, 0] {
            let names = ["imap.settle\(delay).test", "smtp.settle\(delay).test"]
            let mail = try await MailTestServer.start([
                .init("imaps", "imap", .implicit), .init("imap", "imap", .starttls, delayMilliseconds: delay),
                .init("smtps", "smtp", .implicit), .init("sub", "smtp", .starttls, delayMilliseconds: delay),
            ], names: names)
            let start = ContinuousClock.now
            let result = try await resolve("a@settle\(delay).test", plugins: [ProbePlugin()], dns: dns, connectTo: [
                map(names[0], 993, mail, "imaps"), map(names[0], 143, mail, "imap"),
                map(names[1], 465, mail, "smtps"), map(names[1], 587, mail, "sub"),
            ])
            let best = try #require(result.best)
            #expect(best.configuration.incoming.map(\.endpoint) == ["\(names[0]):993"])
            #expect(best.configuration.outgoing.map(\.endpoint) == ["\(names[1]):465"])
            if delay > 0 { #expect(ContinuousClock.now - start < .milliseconds(1500)) }
        }
    }

    /// When the most preferred server is not there, every probe is waited for as before.
    @Test func withoutTheMostPreferredServerEveryProbeIsWaitedFor() async throws {
        let dns = try await DNSTestServer.dnsmasq([])
        let map = ProbePluginTests.map
        let names = ["imap.unsettled.test", "smtp.unsettled.test"]
        let mail = try await MailTestServer.start([
            .init("imap", "imap", .starttls, delayMilliseconds: 300), .init("smtps", "smtp", .implicit),
            .init("sub", "smtp", .starttls, delayMilliseconds: 300),
        ], names: names)
        let result = try await resolve("a@unsettled.test", plugins: [ProbePlugin()], dns: dns, connectTo: [
            map(names[0], 143, mail, "imap"), map(names[1], 465, mail, "smtps"), map(names[1], 587, mail, "sub"),
        ])
        let best = try #require(result.best)
        #expect(best.configuration.incoming.map(\.endpoint) == ["\(names[0]):143"])
        // Outgoing is settled by 465 and lists it alone; incoming waited for 143.
        #expect(best.configuration.outgoing.map(\.endpoint) == ["\(names[1]):465"])
    }
}

@Suite struct ProbeDeterminismTests {
    @Test func repeatedProbingGivesIdenticalAnswers() async throws {
        // POP3 used to be listed or not depending on which probe finished before the plugin
        // stopped: every probe of a resolved name is now waited for. (Incoming IMAPS is on
        // mail.D, not imap.D, so incoming is not settled by its most preferred server.)
        let names = ["mail.probe9.test", "imap.probe9.test", "pop.probe9.test", "smtp.probe9.test"]
        let mail = try await MailTestServer.start([
            .init("imap", "imap", .starttls), .init("imaps", "imap", .implicit), .init("pop", "pop3", .starttls),
            .init("pops", "pop3", .implicit), .init("sub", "smtp", .starttls), .init("smtps", "smtp", .implicit),
        ], names: names)
        let dns = try await DNSTestServer.dnsmasq([])
        let map = ProbePluginTests.map
        let connectTo = [
            map("mail.probe9.test", 993, mail, "imaps"), map("mail.probe9.test", 143, mail, "imap"),
            map("pop.probe9.test", 995, mail, "pops"), map("mail.probe9.test", 110, mail, "pop"),
            map("smtp.probe9.test", 465, mail, "smtps"), map("mail.probe9.test", 587, mail, "sub"),
        ]
        var answers: Set<[String]> = []
        for _ in 0..<10 {
            let result = try await resolve("a@probe9.test", plugins: [ProbePlugin()], dns: dns, connectTo: connectTo)
            let configuration = try #require(result.best?.configuration)
            answers.insert((configuration.incoming + configuration.outgoing).map { "\($0.type) \($0.endpoint) \($0.socketType)" })
        }
        #expect(answers.count == 1)
        #expect(answers.first?.contains { $0.hasPrefix("pop3") } == true)
    }
}
