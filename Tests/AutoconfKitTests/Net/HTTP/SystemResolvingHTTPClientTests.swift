@testable import AutoconfKit
import Synchronization
import Testing

/// With the system's resolvers, a request's host is resolved by getaddrinfo as soon as the
/// request is made (beside libcurl's loading) and pinned for it — only when libcurl's parse of
/// the URL names the guessed host and port, and never for hosts a rule, a literal or a proxy decides.
@Suite struct SystemResolvingHTTPClientTests {
    /// Records what the client below was asked.
    final class Recorder: HTTPFetching {
        let requests = Mutex<[HTTPRequest]>([])
        func fetch(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
            requests.withLock { $0.append(request) }
            return HTTPResponse(status: 204, url: request.url, tlsVerified: false)
        }
        var last: HTTPRequest? { requests.withLock { $0.last } }
    }

    @Test func theHostIsGuessedOnlyFromPlainURLs() {
        #expect(SystemResolvingHTTPClient.plainTarget("https://autoconfig.example.com/mail/config-v1.1.xml?a=b")! == ("autoconfig.example.com", 443))
        #expect(SystemResolvingHTTPClient.plainTarget("HTTP://Example.COM")! == ("example.com", 80))
        #expect(SystemResolvingHTTPClient.plainTarget("https://example.com?x")! == ("example.com", 443))
        for url in [
            "https://example.com:8443/", "https://1.2.3.4/", "https://[::1]/", "https://user@example.com/", "ftp://example.com/",
            "https://exa%6dple.com/", "https://0x7f.1/", "https:///x", "https://", "example.com/x", "https://a..b/",
        ] {
            #expect(SystemResolvingHTTPClient.plainTarget(url) == nil, "\(url)")
        }
    }

    @Test func aResolvableHostIsPinnedToGetaddrinfosAddresses() async throws {
        let recorder = Recorder()
        let client = SystemResolvingHTTPClient(inner: recorder, overrides: ConnectOverrides(), connectTimeout: .seconds(3), environment: [:])
        _ = try await client.fetch(HTTPRequest(url: "https://localhost/mail/config-v1.1.xml"))
        let addresses = try #require(recorder.last?.addresses, "localhost resolves through /etc/hosts")
        #expect(addresses.contains("127.0.0.1") || addresses.contains("::1"), "\(addresses)")
        #expect(SystemAddressLookup.resolve("localhost") == .addresses(addresses))
    }

    @Test func rulesLiteralsPortsAndProxiesLeaveTheHostToTheClient() async throws {
        let recorder = Recorder()
        let overrides = try ConnectOverrides.parse(resolve: ["localhost:443:127.0.0.9"], connectTo: []).get()
        let pinned = SystemResolvingHTTPClient(inner: recorder, overrides: overrides, connectTimeout: .seconds(3), environment: [:])
        _ = try await pinned.fetch(HTTPRequest(url: "https://localhost/x"))
        #expect(recorder.last?.addresses == nil)
        let plain = SystemResolvingHTTPClient(inner: recorder, overrides: ConnectOverrides(), connectTimeout: .seconds(3), environment: [:])
        for url in ["https://127.0.0.1/x", "https://localhost:8443/x"] {
            _ = try await plain.fetch(HTTPRequest(url: url))
            #expect(recorder.last?.addresses == nil, "\(url)")
        }
        let proxied = SystemResolvingHTTPClient(inner: recorder, overrides: ConnectOverrides(), connectTimeout: .seconds(3), environment: ["https_proxy": "http://proxy.example:3128"])
        #expect(!proxied.enabled)
        _ = try await proxied.fetch(HTTPRequest(url: "https://localhost/x"))
        #expect(recorder.last?.addresses == nil)
        // Addresses already resolved (by autoconf's own resolver) are kept.
        var given = HTTPRequest(url: "https://localhost/x")
        given.addresses = ["127.0.0.7"]
        _ = try await plain.fetch(given)
        #expect(recorder.last?.addresses == ["127.0.0.7"])
    }

    /// A name that does not exist is the `.resolve` failure libcurl would report (or, without a
    /// reachable resolver here, the client resolves it itself, as before).
    @Test func aMissingNameIsTheClientsResolveFailure() async throws {
        let recorder = Recorder()
        let client = SystemResolvingHTTPClient(inner: recorder, overrides: ConnectOverrides(), connectTimeout: .seconds(3), environment: [:])
        switch SystemAddressLookup.resolve("no-such-host.invalid") {
        case .noSuchName:
            await #expect(throws: HTTPError.self) { _ = try await client.fetch(HTTPRequest(url: "https://no-such-host.invalid/x")) }
            #expect(recorder.last == nil)
        default:
            _ = try await client.fetch(HTTPRequest(url: "https://no-such-host.invalid/x"))
            #expect(recorder.last?.addresses == nil)
        }
    }

    @Test func aWaitingRequestIsCancelledPromptly() async {
        let lookup = SystemAddressLookup(host: "localhost")
        let task = Task { await lookup.outcome(within: .seconds(30)) }
        task.cancel()
        let outcome = await task.value
        #expect(outcome != .timedOut)
    }
}

/// `prepare` starts the resolution early and the fetch takes it over; requests for one host
/// within a minute share one resolution; a waiter's cancellation ends only its own wait.
@Suite struct SystemResolvingSharingTests {
    @Test func preparedAndRepeatedRequestsShareOneResolution() async throws {
        let recorder = SystemResolvingHTTPClientTests.Recorder()
        let client = SystemResolvingHTTPClient(inner: recorder, overrides: ConnectOverrides(), connectTimeout: .seconds(3), environment: [:])
        client.prepare(HTTPRequest(url: "https://localhost/a"))
        #expect(client.resolutionsStarted == 1)
        _ = try await client.fetch(HTTPRequest(url: "https://localhost/a"))
        _ = try await client.fetch(HTTPRequest(url: "http://localhost/b"))
        #expect(client.resolutionsStarted == 1, "one resolution for the prepared and the later requests")
        let pinned = recorder.requests.withLock { $0.map(\.addresses) }
        #expect(pinned.count == 2 && pinned[0] != nil && pinned[0] == pinned[1], "\(pinned)")
    }

    @Test func oneWaitersCancellationLeavesTheOthersWaiting() async {
        let lookup = SystemAddressLookup(host: "localhost")
        let cancelled = Task { await lookup.outcome(within: .seconds(30)) }
        cancelled.cancel()
        let other = await lookup.outcome(within: .seconds(30))
        if case .addresses = other {} else { Issue.record("the other waiter got \(other)") }
        let first = await cancelled.value
        #expect(first != .timedOut)
    }
}
