import CCurl
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One curl multi handle driven by its own thread, so every request of a lookup runs in parallel
/// on one event loop (connection reuse and HTTP/2 multiplexing included) without blocking Swift's
/// cooperative threads. Other threads only hand transfers in or ask to cancel them, under a lock,
/// and wake the loop with `curl_multi_wakeup`; everything else happens on the loop thread.
final class CurlMultiLoop: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private let lock = Lock()
    // Guarded by `lock`.
    private var incoming: [CurlTransfer] = []
    private var cancellations: [CurlTransfer] = []
    private var stopRequested = false
    // Loop thread only: the transfers curl is working on, by easy handle.
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]

    /// curl_global_init must run once before anything else touches libcurl.
    static let globalInit: Void = {
        OpenSSLRuntime.prepare()
        _ = curl_global_init(Int(CURL_GLOBAL_ALL))
    }()

    init() throws(HTTPError) {
        _ = Self.globalInit
        guard let multi = curl_multi_init() else { throw .protocolError("curl_multi_init failed") }
        self.multi = multi
        DetachedThread.start(name: "autoconf-curl") { [self] in run() }
    }

    func submit(_ transfer: CurlTransfer) {
        lock.lock()
        if stopRequested {
            lock.unlock()
            transfer.cancel()
            return
        }
        incoming.append(transfer)
        lock.unlock()
        curl_multi_wakeup(multi)
    }

    func cancel(_ transfer: CurlTransfer) {
        lock.lock()
        transfer.cancelRequested = true
        cancellations.append(transfer)
        lock.unlock()
        curl_multi_wakeup(multi)
    }

    /// Ends the thread; transfers still running are cancelled. The thread frees the multi handle.
    func stop() {
        lock.lock()
        stopRequested = true
        lock.unlock()
        curl_multi_wakeup(multi)
    }

    private func run() {
        while true {
            lock.lock()
            let starting = incoming.filter { !$0.cancelRequested }
            let refused = incoming.filter(\.cancelRequested)
            incoming.removeAll()
            let cancelled = cancellations
            cancellations.removeAll()
            let stopping = stopRequested
            lock.unlock()

            for transfer in refused { transfer.cancel() }
            for transfer in starting {
                if curl_multi_add_handle(multi, transfer.easy) == CURLM_OK {
                    active[transfer.easy] = transfer
                } else {
                    transfer.cancel()
                }
            }
            for transfer in cancelled where active[transfer.easy] != nil {
                remove(transfer)
                transfer.cancel()
            }
            if stopping {
                for transfer in Array(active.values) {
                    remove(transfer)
                    transfer.cancel()
                }
                break
            }

            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                guard autoconf_curl_msg_is_done(message) != 0, let easy = message.pointee.easy_handle,
                      let transfer = active[easy] else { continue }
                let code = autoconf_curl_msg_result(message)
                remove(transfer)
                transfer.complete(code)
            }
            // Sleeps until a socket is ready, curl's next timer, a wakeup, or one second at most.
            _ = curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        curl_multi_cleanup(multi)
    }

    private func remove(_ transfer: CurlTransfer) {
        curl_multi_remove_handle(multi, transfer.easy)
        active[transfer.easy] = nil
    }
}
