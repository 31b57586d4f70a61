#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `HTTPFetching` on libcurl. One request is one response: redirects are never followed here
/// (see `RedirectFollower`), TLS verification is always on, only http and https are spoken,
/// HTTP/2 is used where the server offers it, proxies come from the usual environment variables
/// (libcurl reads them itself), and a body larger than the request's cap aborts the transfer.
///
/// Every client owns one curl multi handle and its thread, so a lookup's requests run
/// concurrently; the thread ends when the client goes away. Cancelling the calling task removes
/// the transfer from curl at once.
package final class CurlHTTPClient: HTTPFetching, Sendable {
    package let configuration: HTTPClientConfiguration
    private let loop: CurlMultiLoop
    private let trustStore: TrustStore

    package init(configuration: HTTPClientConfiguration = HTTPClientConfiguration()) throws(HTTPError) {
        OpenSSLRuntime.prepare()  // before libcurl initializes OpenSSL (see OpenSSLRuntime)
        // The options were checked where they were parsed; the CA file is read by TrustStore.
        if let problem = configuration.overridesProblem { throw .protocolError(problem) }
        self.configuration = configuration
        trustStore = TrustStore(caFile: configuration.caFile)
        loop = try CurlMultiLoop()
    }

    deinit { loop.stop() }

    package func fetch(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        if Task.isCancelled { throw .cancelled }
        guard request.timeout > .zero else { throw .timeout("\(URLHost.display(request.url)): no time left") }
        let transfer = try CurlTransfer(request: request, configuration: configuration, trustStore: trustStore, curl: loop.curl)
        let loop = self.loop
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<HTTPResponse, HTTPError>, Never>) in
                transfer.continuation = continuation
                loop.submit(transfer)
            }
        } onCancel: {
            loop.cancel(transfer)
        }
        return try result.get()
    }
}
