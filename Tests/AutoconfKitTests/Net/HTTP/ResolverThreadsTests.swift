@testable import AutoconfKit
import Dispatch
import Foundation
import Synchronization
import Testing

/// getaddrinfo's threads and the gate that keeps library loads behind their creation: a lookup's
/// first resolutions go out while the warm-up is still making threads, and no resolution waits
/// for a dlopen.
@Suite struct ResolverThreadsTests {
    /// The kernel's name of the calling thread.
    static func threadName() -> String {
        ((try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `count` jobs submitted from as many threads at once; returns the threads they ran on.
    static func runConcurrently(_ threads: ResolverThreads, count: Int) -> [String] {
        let names = Mutex<[String]>([])
        let done = DispatchGroup()
        DispatchQueue.concurrentPerform(iterations: count) { _ in
            done.enter()
            let submitted = threads.submit {
                names.withLock { $0.append(threadName()) }
                done.leave()
            }
            if !submitted { done.leave() }
        }
        #expect(done.wait(timeout: .now() + 10) == .success, "every job ran")
        return names.withLock { $0 }
    }

    @Test func theFirstJobIsTakenByAPoolThreadNotOneOfItsOwn() {
        let threads = ResolverThreads(count: 2)
        let ran = DispatchSemaphore(value: 0)
        let name = Mutex("")
        #expect(threads.submit {
            name.withLock { $0 = Self.threadName() }
            ran.signal()
        })
        #expect(ran.wait(timeout: .now() + 10) == .success)
        // Queued while the threads were being made: one of them ("autoconf-gai0", "…1") took it.
        #expect(["autoconf-gai0", "autoconf-gai1"].contains(name.withLock { $0 }), "\(name.withLock { $0 })")
    }

    @Test func jobsSubmittedWhileTheThreadsAreMadeAllRunOnce() {
        let threads = ResolverThreads(count: 3)
        let names = Self.runConcurrently(threads, count: 24)
        #expect(names.count == 24)
        // More jobs than threads: the rest got threads of their own, as libcurl's resolver does.
        #expect(names.allSatisfy { $0.hasPrefix("autoconf-gai") }, "\(names)")
    }

    @Test func startReturnsOnlyOnceTheThreadsAreMade() {
        let threads = ResolverThreads(count: 4)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in threads.start() }
        // Every caller came back after the creation: four jobs at once find four threads.
        let names = Self.runConcurrently(threads, count: 4)
        #expect(names.count == 4)
        #expect(names.allSatisfy { $0.count > "autoconf-gai".count }, "no job needed a thread of its own: \(names)")
    }

    @Test func aLoadWaitsWhileAWarmUpMakesThreads() {
        LoaderGate.hold()
        let loaded = Mutex(false)
        let finished = DispatchSemaphore(value: 0)
        DetachedThread.start(name: "gate-test") {
            LoaderGate.waitBeforeLoading()
            loaded.withLock { $0 = true }
            finished.signal()
        }
        usleep(30_000)
        #expect(!loaded.withLock { $0 }, "held")
        LoaderGate.release()
        #expect(finished.wait(timeout: .now() + 10) == .success)
        #expect(loaded.withLock { $0 })
        // Open again: no wait at all.
        LoaderGate.waitBeforeLoading()
    }

    @Test func theWarmUpRunsOncePerServicesAndAgainOnlyForRecords() {
        let progress = WarmUpProgress()
        #expect(progress.claim(.hosts))
        #expect(!progress.claim(.hosts), "the second lookup of the same services starts no thread")
        #expect(progress.claim(.records), "a lookup that asks records prepares their resolver")
        #expect(!progress.claim(.records))
        #expect(!progress.claim(.hosts))
        let concurrent = WarmUpProgress()
        let claimed = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            if concurrent.claim(.records) { claimed.withLock { $0 += 1 } }
        }
        #expect(claimed.withLock { $0 } == 1)
    }
}
