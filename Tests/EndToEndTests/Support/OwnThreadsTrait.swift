import Foundation
import Testing

/// Runs each test of a suite on threads of its own instead of Swift's cooperative pool, at most
/// `EndToEndSlots.shared.count` such tests at once.
///
/// The end-to-end tests block: they wait for processes, sockets and loads. Run on the cooperative pool (two threads on
/// a two-core machine), two such tests held every thread, and the tests queued behind them, with Swift Testing's own
/// bookkeeping, waited for one: a 6 s load test was reported at 60 s, and failed its one-minute time limit on a slower
/// CI machine. With this trait a test's code runs on a `ThreadPerJobExecutor` (its task prefers that executor, and so
/// do its child tasks), so the pool stays free for the unit tests and for time-limit timers. The slots keep as many
/// end-to-end tests running at once as the pool used to allow; waiting for one is an `await`, which blocks nothing.
///
/// A test's clock (and its time limit) starts before this scope, so a wait for a slot counts in its time. The
/// time-limited load tests therefore take no slot (`queued: false`): they start at once, one after another (their
/// suite is serialized), beside at most `count` other end-to-end tests.
struct OwnThreadsTrait: SuiteTrait, TestTrait, TestScoping {
    /// Whether a test waits for one of the `EndToEndSlots` before it starts.
    var queued: Bool

    /// Every test function of the suite gets the trait.
    var isRecursive: Bool { true }

    /// A scope for each test case; none around the suite itself (whose set-up does not block).
    func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        testCase == nil ? nil : self
    }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        guard queued else {
            return try await withTaskExecutorPreference(ThreadPerJobExecutor.shared) { try await function() }
        }
        await EndToEndSlots.shared.acquire()
        do {
            try await withTaskExecutorPreference(ThreadPerJobExecutor.shared) { try await function() }
        } catch {
            await EndToEndSlots.shared.release()
            throw error
        }
        await EndToEndSlots.shared.release()
    }
}

extension Trait where Self == OwnThreadsTrait {
    /// Each test runs on threads of its own, never blocking Swift's cooperative pool, when one of the
    /// `EndToEndSlots` is free (see `OwnThreadsTrait`).
    static var ownThreads: Self { Self(queued: true) }

    /// Each test runs on threads of its own; with `queued: false`, at once, without waiting for a slot (for tests
    /// with a time limit, see `OwnThreadsTrait`).
    static func ownThreads(queued: Bool) -> Self { Self(queued: queued) }
}

/// How many end-to-end tests may run at once: one per core, at least two (what the cooperative pool allowed before
/// they left it), handed out first come, first served.
actor EndToEndSlots {
    static let shared = EndToEndSlots(count: max(2, ProcessInfo.processInfo.activeProcessorCount))

    let count: Int
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(count: Int) {
        self.count = count
        free = count
    }

    func acquire() async {
        guard free == 0 else {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            free += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}

/// A task executor that runs every job on a new thread. A test's blocking code is one long job; the time-limit timer
/// that waits beside it is another, on another thread, so it fires on time even while the test blocks. Jobs are few
/// (a test's start, its awaits' resumptions), so a thread each costs nothing that matters.
final class ThreadPerJobExecutor: TaskExecutor {
    static let shared = ThreadPerJobExecutor()
    /// The key its threads carry in their thread dictionaries.
    private static let marker = "ThreadPerJobExecutor"

    /// Whether the calling thread is one of this executor's.
    static var isCurrent: Bool { Thread.current.threadDictionary[marker] != nil }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        Thread {
            Thread.current.threadDictionary[Self.marker] = true
            job.runSynchronously(on: executor)
        }.start()
    }
}
