import Foundation
import Synchronization

/// How many of a process's accept threads take connections at once, when nothing in a request waits.
///
/// A request on a local inventory (SQLite, the demo) never waits: it is computation from its accept to its answer.
/// More threads than cores then only take turns on the cores, each with its own cold caches, stack and SQLite
/// connection: with 8 threads on 2 cores a reference request cost 67 µs of CPU at 8 connections, with 2 threads
/// 54 µs, and the threads answered 12% more requests. So only `limit` threads (the cores) wait for connections and
/// answer them; the others stand by, and a connection that comes while those are busy waits in the listen queue
/// until one of them is free, as a request would wait for a core anyway.
///
/// Threads exist beyond the cores for what does wait: a client that sends its request slowly, a write lock held on
/// SQLite, a stall of the disk. A thread answering one request for longer than `stuckAfterNanoseconds` is counted as
/// stuck, and a standing-by thread takes its place (one of them, the lookout, looks every `lookInterval` while any
/// thread is answering, every `idleLookInterval` otherwise): as many threads take connections as there are cores plus
/// stuck threads, up to all of them, which is never fewer than without the limit, only later by at most a look's
/// interval.
/// (An inventory across the network waits in every request: it gets no limit, see `ServeCommand`.)
///
/// The common path (a thread done with a request takes the next) reads one atomic and writes one timestamp; the lock
/// is taken only to stand by and to come back.
final class RunningLimit: Sendable {
    /// Threads that take connections when none is stuck.
    let limit: Int
    /// How long answering one request may take before its thread counts as stuck, in nanoseconds (5 ms).
    static let stuckAfterNanoseconds: UInt64 = 5_000_000
    /// How often a standing-by thread looks for stuck threads while any thread is answering.
    static let lookInterval: TimeInterval = 0.002
    /// How often it looks while no thread is answering (nothing can be stuck then; it looks at all so that a
    /// request that starts and sticks is noticed without a signal on every request).
    static let idleLookInterval: TimeInterval = 0.1

    /// Threads taking connections (waiting for one, or answering).
    private let taking = Atomic<Int>(0)
    /// When each thread began answering its request, in nanoseconds of the monotonic clock; 0 when it is not.
    private let answeringSince: [Stamp]

    /// One thread's `answeringSince` (an atomic is not copyable, so not an array element itself).
    private final class Stamp: Sendable {
        let nanoseconds = Atomic<UInt64>(0)
    }
    private let standBy = NSCondition()
    private let stopped = Atomic<Bool>(false)
    /// Whether a standing-by thread is the lookout (changed under `standBy`'s lock).
    private let hasLookout = Atomic<Bool>(false)

    /// - Parameters:
    ///   - limit: threads that take connections when none is stuck (at least 1).
    ///   - threads: the accept threads, numbered from 0.
    init(limit: Int, threads: Int) {
        self.limit = max(1, min(limit, threads))
        answeringSince = (0..<threads).map { _ in Stamp() }
    }

    /// The monotonic clock in nanoseconds (never 0).
    private static func now() -> UInt64 {
        let time = Posix.clockTime(CLOCK_MONOTONIC)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec) | 1
    }

    /// Thread `index` is answering a request from now on.
    func beginAnswering(_ index: Int) {
        answeringSince[index].nanoseconds.store(Self.now(), ordering: .relaxed)
    }

    /// Thread `index` is done with its request.
    func endAnswering(_ index: Int) {
        answeringSince[index].nanoseconds.store(0, ordering: .relaxed)
    }

    /// The threads answering one request for longer than `stuckAfterNanoseconds`, and whether any is answering at all.
    private func stuckThreads() -> (stuck: Int, anyAnswering: Bool) {
        let now = Self.now()
        var stuck = 0
        var anyAnswering = false
        for since in answeringSince {
            let started = since.nanoseconds.load(ordering: .relaxed)
            guard started != 0 else { continue }
            anyAnswering = true
            if now > started && now - started > Self.stuckAfterNanoseconds { stuck += 1 }
        }
        return (stuck, anyAnswering)
    }

    /// Called by a thread before it waits for a connection (`beforeStandingBy` runs if it is about to stand by).
    /// Returns at once when the thread may take connections, else stands by until it may.
    /// - Returns: false when the server is stopping: the thread should end (it takes no connection).
    func takeConnections(taking alreadyTaking: inout Bool, beforeStandingBy: () -> Void) -> Bool {
        if alreadyTaking {
            // Done with a request: go on taking connections unless more threads take them than are needed now
            // (one that stood in for a stuck thread, after it came unstuck).
            guard taking.load(ordering: .relaxed) > limit else { return !stopped.load(ordering: .relaxed) }
            standBy.lock()
            defer { standBy.unlock() }
            if taking.load(ordering: .relaxed) > limit + stuckThreads().stuck {
                taking.subtract(1, ordering: .relaxed)
                alreadyTaking = false
            } else {
                return !stopped.load(ordering: .relaxed)
            }
        }
        beforeStandingBy()
        standBy.lock()
        defer { standBy.unlock() }
        // One standing-by thread is the lookout and looks at intervals; the others wait until woken, so that a
        // look costs one wake-up, not one per thread. A lookout that leaves wakes another to take over.
        var isLookout = false
        defer {
            // Whoever leaves standing by (the lookout, or one it woke that could take connections too) wakes another
            // when the watch is not kept: that one keeps it, or takes connections and wakes the next.
            if isLookout { hasLookout.store(false, ordering: .relaxed) }
            if !hasLookout.load(ordering: .relaxed) { standBy.signal() }
        }
        while !stopped.load(ordering: .relaxed) {
            let (stuck, anyAnswering) = stuckThreads()
            if taking.load(ordering: .relaxed) < limit + stuck {
                taking.add(1, ordering: .relaxed)
                alreadyTaking = true
                return true
            }
            if !isLookout && !hasLookout.load(ordering: .relaxed) {
                hasLookout.store(true, ordering: .relaxed)
                isLookout = true
            }
            if isLookout {
                _ = standBy.wait(
                    until: Date(timeIntervalSinceNow: anyAnswering ? Self.lookInterval : Self.idleLookInterval))
            } else {
                standBy.wait()
            }
        }
        return false
    }

    /// Thread gives up taking connections (it is ending).
    func leave(taking: Bool) {
        guard taking else { return }
        standBy.lock()
        self.taking.subtract(1, ordering: .relaxed)
        standBy.signal()
        standBy.unlock()
    }

    /// Wakes every standing-by thread: the server is stopping.
    func stop() {
        standBy.lock()
        stopped.store(true, ordering: .relaxed)
        standBy.broadcast()
        standBy.unlock()
    }
}
