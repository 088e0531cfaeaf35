import Dispatch
import Synchronization

/// Whether the database is worth trying, shared by every reader of one inventory: after a failed connection, the
/// other threads answer 503 at once instead of each waiting for a connect of its own, and one thread at a time probes
/// the server until it answers again.
final class PostgreSQLHealth: Sendable {
    /// Until when (`DispatchTime` nanoseconds) nobody tries to connect; 0 when the database is thought up.
    private let downUntil = Atomic<UInt64>(0)

    /// How long nobody tries again after a connect that failed slowly (a host that does not answer): the others
    /// would each wait as long.
    static let longPause: UInt64 = 1_000_000_000
    /// How long nobody tries again after connects that were refused at once: short, since trying costs little, and
    /// the server may be back (or a standby reachable) a moment later.
    static let shortPause: UInt64 = 250_000_000

    /// Whether this thread may try to connect now. While the database is thought down, one caller at a time wins the
    /// right to probe it (and holds it for `probeWindow` nanoseconds); the others get false and answer 503.
    func mayConnect(probeWindow: UInt64) -> Bool {
        let now = DispatchTime.now().uptimeNanoseconds
        var until = downUntil.load(ordering: .acquiring)
        while true {
            if until == 0 { return true }
            if until > now { return false }
            let (exchanged, found) = downUntil.compareExchange(
                expected: until, desired: now + probeWindow, ordering: .acquiringAndReleasing)
            if exchanged { return true }
            until = found
        }
    }

    /// A connection failed: nobody tries for `pause` nanoseconds.
    func markDown(for pause: UInt64) {
        downUntil.store(DispatchTime.now().uptimeNanoseconds + pause, ordering: .releasing)
    }

    /// A connection succeeded.
    func markUp() {
        if downUntil.load(ordering: .relaxed) != 0 { downUntil.store(0, ordering: .releasing) }
    }
}
