import NIOCore
import NIOSSL

/// The `--tls-cert`/`--tls-key` pairs, loaded and checked once at start, and the choice among
/// them by the client's SNI: the first pair whose certificate names the SNI (SAN DNS names;
/// a wildcard covers exactly one leftmost label, as TLS clients match it), else the first pair.
/// One listener can so serve many published domains, each with its own certificate.
struct ServedCertificates: Sendable {
    struct Pair: Sendable {
        var file: String
        var chain: [NIOSSLCertificate]
        var key: NIOSSLPrivateKey
        /// Lowercase SAN DNS names (clients ignore the subject CN, so it is not used).
        var names: [String]
    }

    let pairs: [Pair]

    /// Loads every pair; a missing or unreadable file, an empty chain or a key that is not the
    /// certificate's is a one-line error naming the file.
    init(_ files: [TLSPair]) throws(ServiceConfigurationError) {
        var pairs: [Pair] = []
        for file in files {
            let chain: [NIOSSLCertificate]
            let key: NIOSSLPrivateKey
            do {
                chain = try NIOSSLCertificate.fromPEMFile(file.certificate)
            } catch {
                throw ServiceConfigurationError(message: "--tls-cert \(file.certificate): cannot read a PEM certificate (\(error))")
            }
            guard let leaf = chain.first else { throw ServiceConfigurationError(message: "--tls-cert \(file.certificate): no certificate in the file") }
            do {
                key = try NIOSSLPrivateKey(file: file.key, format: .pem)
            } catch {
                throw ServiceConfigurationError(message: "--tls-key \(file.key): cannot read a PEM private key (\(error))")
            }
            // BoringSSL refuses a private key that does not belong to the certificate when a
            // context is made with both: checked now, not at the first handshake.
            do {
                _ = try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)))
            } catch {
                throw ServiceConfigurationError(message: "--tls-key \(file.key) is not the private key of --tls-cert \(file.certificate)")
            }
            pairs.append(Pair(file: file.certificate, chain: chain, key: key, names: Self.names(leaf)))
        }
        self.pairs = pairs
    }

    static func names(_ certificate: NIOSSLCertificate) -> [String] {
        certificate._subjectAlternativeNames().filter { $0.nameType == .dnsName }.map { String(decoding: $0.contents, as: UTF8.self).lowercased() }
    }

    /// Whether a certificate name covers `host` (lowercase, no trailing dot), as a TLS client
    /// checks it (RFC 6125 §6.4.3): exact, or `*.` standing for exactly one leftmost label.
    static func name(_ pattern: String, covers host: String) -> Bool {
        if pattern == host { return true }
        guard pattern.hasPrefix("*."), let dot = host.firstIndex(of: ".") else { return false }
        return host[..<dot].isEmpty == false && host[host.index(after: dot)...] == pattern.dropFirst(2)
    }

    /// The index of the pair to serve for the SNI `serverName` (nil or unknown: 0).
    func index(forServerName serverName: String?) -> Int {
        guard var host = serverName?.lowercased(), !host.isEmpty else { return 0 }
        if host.hasSuffix(".") { host.removeLast() }
        return pairs.firstIndex { pair in pair.names.contains { Self.name($0, covers: host) } } ?? 0
    }

    /// The server configuration: the first pair, and per handshake the pair the SNI selects.
    func tlsConfiguration() -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: pairs[0].chain.map { .certificate($0) }, privateKey: .privateKey(pairs[0].key))
        guard pairs.count > 1 else { return configuration }
        configuration.sslContextCallback = { [self] values, promise in
            let chosen = index(forServerName: values.serverHostname)
            guard chosen != 0 else { return promise.succeed(.noChanges) }
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = pairs[chosen].chain.map { .certificate($0) }
            override.privateKey = .privateKey(pairs[chosen].key)
            promise.succeed(override)
        }
        return configuration
    }
}
