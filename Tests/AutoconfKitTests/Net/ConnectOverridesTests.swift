import AutoconfKit
import Testing

/// `--resolve` and `--connect-to`, read once for HTTP and probing alike, as curl reads them.
@Suite struct ConnectOverridesTests {
    @Test func resolvePinsAddressesIncludingBracketedIPv6() throws {
        let overrides = try ConnectOverrides.parse(resolve: ["IMAP.Example.test:993:127.0.0.1,[::1]"], connectTo: []).get()
        let route = overrides.route(host: "imap.example.test", port: 993)
        #expect(route.host == "imap.example.test")
        #expect(route.port == 993)
        #expect(route.addresses == ["127.0.0.1", "::1"])
        #expect(overrides.route(host: "imap.example.test", port: 143).addresses == nil)
    }

    @Test func connectToMapsHostAndPortWithIPv6Targets() throws {
        let overrides = try ConnectOverrides.parse(resolve: [], connectTo: ["imap.example.test:993:[::1]:10993", ":443:127.0.0.1:8443"]).get()
        let imap = overrides.route(host: "imap.example.test", port: 993)
        #expect(imap.host == "::1")
        #expect(imap.port == 10993)
        #expect(imap.addresses == ["::1"])
        let any = overrides.route(host: "autoconfig.other.test", port: 443)
        #expect(any.port == 8443)
        #expect(any.addresses == ["127.0.0.1"])
    }

    @Test(arguments: [
        (["nonsense"], [String](), "--resolve nonsense: expected HOST:PORT:ADDRESS"),
        (["a.test:0:127.0.0.1"], [], "--resolve a.test:0:127.0.0.1: port '0' is not in 1–65535"),
        (["a.test:993:not-an-ip"], [], "--resolve a.test:993:not-an-ip: 'not-an-ip' is not an IP address"),
        ([], ["a:b:c:d"], "--connect-to a:b:c:d: port 'b' is not in 1–65535"),
        ([], ["a.test:993"], "--connect-to a.test:993: expected HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT"),
        ([], ["a b:993:c.test:993"], "--connect-to a b:993:c.test:993: 'a b' is not a hostname or IP address"),
    ])
    func badEntriesAreOneLineErrors(resolve: [String], connectTo: [String], message: String) {
        guard case .failure(let error) = ConnectOverrides.parse(resolve: resolve, connectTo: connectTo) else {
            Issue.record("accepted \(resolve) \(connectTo)")
            return
        }
        #expect(error.message == message)
        // The HTTP client's check is the same parser.
        #expect(HTTPClientConfiguration(resolve: resolve, connectTo: connectTo).problem() == message)
    }
}
