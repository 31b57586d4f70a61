import AutoconfKit
import Foundation
import Hummingbird

/// `POST /v1/verify`: the lookup, then the login test on its best answer. Only over HTTPS or on a
/// loopback listener (403 otherwise); the password is never logged, echoed or stored (it lives in
/// a `Secret` for the test and is dropped with the request).
extension LookupService {
    struct VerifyRequest: Decodable {
        var password: String?
        /// Log in to servers of an answer that needs confirming (`--yes`).
        var accept: Bool?
        /// Allow sending the password over an unencrypted connection (`--allow-plaintext`).
        var allowPlaintext: Bool?
    }

    struct NeedsConfirmation: Encodable {
        var error: String
        var needsConfirmation = true
        var document: String?
    }

    func verify(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        guard ClientIdentity.isPrivate(request, context: context, tls: tls, trustedProxies: trustedProxies) else {
            throw APIError(.forbidden, "the login test needs HTTPS (--tls-cert/--tls-key) or a loopback listener: the password would cross the network in clear")
        }
        let body = try await jsonBody(of: request)
        let parameters = try LookupParameters.from(json: body)
        let fields = try decodeBody(VerifyRequest.self, body)
        guard let password = fields.password, !password.isEmpty else { throw APIError(.badRequest, "give the password (the password field)") }
        let secret = Secret(password)
        let (autoconf, email) = try prepare(parameters)
        let slot = try slot()
        defer { withExtendedLifetime(slot) {} }
        let result: LookupResult
        do { result = try await autoconf.lookup(email) } catch { throw APIError(.badRequest, error.description) }
        guard let best = result.best else { return JSONResponse.make(string: LookupJSON.encode(result, pretty: false)) }
        if best.trust.level == .confirm && fields.accept != true {
            let servers = LoginVerifier.servers(of: best.configuration).map { _, server in
                let host = server.hostname ?? server.url ?? "?"
                return "\(server.type.rawValue) \(host) (\(PublicSuffix.registrableDomain(of: host)))"
            }
            throw APIError(.conflict, "the settings need confirming (\(best.trust)); the password would go to \(servers.joined(separator: ", ")); send \"accept\": true to log in")
        }
        let report = await autoconf.loginVerifier(allowPlaintext: fields.allowPlaintext == true).verify(
            best.configuration, email: email, password: secret, username: autoconf.options.manual.username)
        return JSONResponse.make(string: LookupJSON.encode(result, verification: report, pretty: false))
    }
}
