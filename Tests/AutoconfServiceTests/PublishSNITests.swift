import AutoconfKit
@testable import AutoconfService
import AutoconfTestSupport
import Foundation
import Testing

/// Several `--tls-cert`/`--tls-key` pairs on one listener: the certificate is chosen by SNI,
/// the first pair answers names no certificate has, and a key that is not its certificate's is
/// refused at startup.
@Suite struct PublishSNITests {
    /// The subject CN of the certificate curl was given for `host` (with `host` as SNI),
    /// verified against the suite's CA, and the answer.
    static func ask(_ host: String, port: Int, path: String = "/mail/config-v1.1.xml") async throws -> (certificate: String?, exchange: HTTPExchange) {
        let exchange = try await curl("https://\(host):\(port)\(path)", extra: ["--cacert", TestCA.shared.caFile, "--resolve", "\(host):\(port):127.0.0.1"])
        let shown = try await runCommandAsync("sh", ["-c", "openssl s_client -connect 127.0.0.1:\(port) -servername \(host) </dev/null 2>/dev/null | openssl x509 -noout -subject"])
        let subject = shown.stdout.range(of: "CN *= *([^,\n]+)", options: .regularExpression).map { String(shown.stdout[$0]) }
        return (subject?.replacingOccurrences(of: #"CN *= *"#, with: "", options: .regularExpression).trimmingCharacters(in: .whitespaces), exchange)
    }

    @Test func eachDomainGetsItsOwnCertificateByServerName() async throws {
        let directory = TestPaths.temporaryDirectory("publish-sni")
        for domain in ["alpha.test", "beta.test"] {
            try sslProviderFile(domain).write(to: directory.appendingPathComponent("\(domain).xml"), atomically: true, encoding: .utf8)
        }
        // Each certificate names only its own domain (beta's by wildcard).
        let alpha = try TestCA.shared.issue(["alpha.test", "autoconfig.alpha.test", "autodiscover.alpha.test"])
        let beta = try TestCA.shared.issue(["beta.test", "*.beta.test"])
        let service = try await RunningService(serviceConfiguration { configuration in
            configuration.tlsCertificate = alpha.certificate
            configuration.tlsKey = alpha.key
            configuration.moreTLSPairs = [TLSPair(certificate: beta.certificate, key: beta.key)]
            configuration.publishDirectories = [directory.path]
        })
        defer { Task { await service.stop() } }
        for (host, certificate, domain) in [("autoconfig.alpha.test", "alpha.test", "alpha.test"), ("alpha.test", "alpha.test", "alpha.test"),
                                            ("autoconfig.beta.test", "beta.test", "beta.test"), ("beta.test", "beta.test", "beta.test")] {
            let (subject, exchange) = try await Self.ask(host, port: service.port, path: host.hasPrefix("autoconfig.") ? "/mail/config-v1.1.xml" : "/.well-known/autoconfig/mail/config-v1.1.xml")
            #expect(subject == certificate, "\(host)")
            // curl verified the chain and the name: a wrong certificate would be status -1.
            #expect(exchange.status == 200, "\(host)")
            #expect(exchange.body.contains("imap.\(domain)"), "\(host)")
        }
        // A wildcard covers one label only: a.b.beta.test is not beta's, so the first pair answers.
        let (deep, _) = try await Self.ask("a.b.beta.test", port: service.port)
        #expect(deep == "alpha.test")
        // An unknown name gets the first pair, which then does not verify for it.
        let (unknown, refused) = try await Self.ask("gamma.test", port: service.port)
        #expect(unknown == "alpha.test")
        #expect(refused.status != 200)
        // Case and a trailing dot do not change the choice.
        let (upper, _) = try await Self.ask("AUTOCONFIG.BETA.TEST", port: service.port)
        #expect(upper == "beta.test")
    }

    @Test func wildcardsMatchAsTLSDoes() {
        #expect(ServedCertificates.name("*.beta.test", covers: "autoconfig.beta.test"))
        #expect(!ServedCertificates.name("*.beta.test", covers: "beta.test"))
        #expect(!ServedCertificates.name("*.beta.test", covers: "a.b.beta.test"))
        #expect(!ServedCertificates.name("*.beta.test", covers: ".beta.test"))
        #expect(ServedCertificates.name("beta.test", covers: "beta.test"))
        #expect(!ServedCertificates.name("beta.test", covers: "xbeta.test"))
    }

    @Test func aKeyThatIsNotTheCertificatesIsRefusedAtStartup() async throws {
        let alpha = try TestCA.shared.issue(["alpha.test"])
        let beta = try TestCA.shared.issue(["beta.test"])
        #expect(throws: ServiceConfigurationError.self) {
            _ = try buildApplication(serviceConfiguration { configuration in
                configuration.tlsCertificate = alpha.certificate
                configuration.tlsKey = alpha.key
                configuration.moreTLSPairs = [TLSPair(certificate: beta.certificate, key: alpha.key)]
            })
        }
        // The executable says so in one line and exits 2; so for a count mismatch.
        let mismatched = try await runCommandAsync(serveBinary.path, ["--listen", "127.0.0.1:0", "--tls-cert", alpha.certificate, "--tls-key", beta.key])
        #expect(mismatched.status == 2)
        #expect(mismatched.stderr == "autoconf serve: --tls-key \(beta.key) is not the private key of --tls-cert \(alpha.certificate)\n", "\(mismatched.stderr)")
        let uneven = try await runCommandAsync(serveBinary.path, ["--listen", "127.0.0.1:0", "--tls-cert", alpha.certificate, "--tls-key", alpha.key, "--tls-cert", beta.certificate])
        #expect(uneven.status == 2)
        #expect(uneven.stderr.contains("give one --tls-key for each --tls-cert"), "\(uneven.stderr)")
    }
}
