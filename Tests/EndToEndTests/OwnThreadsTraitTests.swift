import Foundation
import Testing

/// The harness the load tests rely on: with `.ownThreads`, a test's blocking code runs off Swift's cooperative pool.
@Suite(.ownThreads) struct OwnThreadsTraitTests {
    @Test func aTestRunsOnAThreadOfItsOwn() {
        #expect(ThreadPerJobExecutor.isCurrent)
    }

    @Test func soDoItsChildTasks() async {
        async let onOwnThread = Self.isOnOwnThread()
        #expect(await onOwnThread)
    }

    static func isOnOwnThread() -> Bool { ThreadPerJobExecutor.isCurrent }
}
