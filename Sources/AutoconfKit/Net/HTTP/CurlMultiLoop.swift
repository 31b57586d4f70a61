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
    let curl: CurlLibrary
    private let multi: UnsafeMutableRawPointer
    private let lock = Lock()
    // Guarded by `lock`.
    private var incoming: [CurlTransfer] = []
    private var cancellations: [CurlTransfer] = []
    private var stopRequested = false
    // Loop thread only: the transfers curl is working on, by easy handle.
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]

    init() throws(HTTPError) {
        // Loads libcurl on the first HTTP request (see CurlLibrary); curl_global_init runs there.
        do { curl = try CurlLibrary.load() } catch { throw .protocolError(error.description) }
        guard let multi = curl.multiInit() else { throw .protocolError("curl_multi_init failed") }
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
        _ = curl.multiWakeup(multi)
    }

    func cancel(_ transfer: CurlTransfer) {
        lock.lock()
        transfer.cancelRequested = true
        cancellations.append(transfer)
        lock.unlock()
        _ = curl.multiWakeup(multi)
    }

    /// Ends the thread; transfers still running are cancelled. The thread frees the multi handle.
    func stop() {
        lock.lock()
        stopRequested = true
        lock.unlock()
        _ = curl.multiWakeup(multi)
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
                if curl.multiAddHandle(multi, transfer.easy) == CURLM_OK {
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
            _ = curl.multiPerform(multi, &running)
            var queued: Int32 = 0
            while let message = curl.multiInfoRead(multi, &queued) {
                guard autoconf_curl_msg_is_done(message) != 0, let easy = message.pointee.easy_handle,
                      let transfer = active[easy] else { continue }
                let code = autoconf_curl_msg_result(message)
                remove(transfer)
                transfer.complete(code)
            }
            // Sleeps until a socket is ready, curl's next timer, a wakeup, or one second at most.
            _ = curl.multiPoll(multi, nil, 0, 1000, nil)
        }
        _ = curl.multiCleanup(multi)
    }

    private func remove(_ transfer: CurlTransfer) {
        _ = curl.multiRemoveHandle(multi, transfer.easy)
        active[transfer.easy] = nil
    }
}
