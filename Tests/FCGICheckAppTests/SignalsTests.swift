import CheckDomain
import Foundation
import Testing

@testable import FCGICheckApp

/// The waits every serving process is built on: a blocked signal sent to the waiting thread is returned by the wait,
/// and a wait with nothing sent ends at its timeout. Each runs on a thread of its own, whose mask it may change.
@Suite struct SignalsTests {
    /// Runs `body` on a new thread and returns what it returned.
    private func onOwnThread<Value: Sendable>(_ body: @escaping @Sendable () -> Value) -> Value {
        let done = DispatchSemaphore(value: 0)
        let result = LockedValue<Value?>(nil)
        let thread = Thread {
            let value = body()
            result.withLock { $0 = value }
            done.signal()
        }
        thread.start()
        done.wait()
        return result.withLock { $0! }
    }

    @Test func aBlockedSignalSentToTheThreadIsWhatTheWaitReturns() {
        let received = onOwnThread { () -> Int32? in
            Signals.block(exactly: Signals.Set([SIGUSR2]))
            pthread_kill(pthread_self(), SIGUSR2)
            return Signals.wait(for: Signals.Set([SIGUSR2]), timeout: .seconds(5))
        }
        #expect(received == SIGUSR2)
    }

    @Test func aWaitWithNothingSentEndsAtItsTimeout() {
        let (received, waited) = onOwnThread { () -> (Int32?, Duration) in
            Signals.block(exactly: Signals.Set([SIGUSR2]))
            let started = ContinuousClock.now
            let received = Signals.wait(for: Signals.Set([SIGUSR2]), timeout: .milliseconds(50))
            return (received, ContinuousClock.now - started)
        }
        #expect(received == nil)
        #expect(waited >= .milliseconds(40))
    }
}
