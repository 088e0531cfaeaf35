import Testing

@testable import FCGICheckApp

/// The pacing rule the supervisor's crash-loop end-to-end test sees only in part: the pauses, what ends a run, and
/// what holds a failed start back.
@Suite struct CrashLoopPacerTests {
    let start = ContinuousClock.now

    @Test func quickDeathsArePacedFromNothingUpToThirtySeconds() {
        var pacer = CrashLoopPacer(now: start)
        let pauses = (0..<14).map { _ in pacer.workerDied(after: .milliseconds(100), now: start) }
        let expected: [Duration] = [
            .zero, .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800),
            .milliseconds(1_600), .milliseconds(3_200), .milliseconds(6_400), .milliseconds(12_800),
            .milliseconds(25_600), .seconds(30), .seconds(30), .seconds(30), .seconds(30),
        ]
        #expect(pauses == expected)
        #expect(pacer.quickDeaths == 14)
        #expect(pacer.nextStart == start + .seconds(30))
        #expect(!pacer.mayStart(now: start + .seconds(29)))
        #expect(pacer.mayStart(now: start + .seconds(30)))
    }

    @Test func aWorkerThatLivedPastTheLimitEndsTheRun() {
        var pacer = CrashLoopPacer(now: start)
        for _ in 0..<3 { _ = pacer.workerDied(after: .seconds(1), now: start) }
        #expect(pacer.quickDeaths == 3)
        let pause = pacer.workerDied(after: CrashLoopPacer.quickDeathLimit, now: start)
        #expect(pause == .zero)
        #expect(pacer.quickDeaths == 0)
        #expect(pacer.mayStart(now: start))
    }

    @Test func endingTheCrashLoopReportsItsLengthAndStartsOver() {
        var pacer = CrashLoopPacer(now: start)
        for _ in 0..<4 { _ = pacer.workerDied(after: .zero, now: start) }
        let ended = pacer.endCrashLoop()
        #expect(ended == 4)
        #expect(pacer.quickDeaths == 0)
        let pause = pacer.workerDied(after: .zero, now: start)
        #expect(pause == .zero)
    }

    @Test func aFailedStartHoldsReplacementsBackForASecond() {
        var pacer = CrashLoopPacer(now: start)
        pacer.startFailed(now: start)
        #expect(!pacer.mayStart(now: start + .milliseconds(999)))
        #expect(pacer.mayStart(now: start + .seconds(1)))
    }

    @Test func outlivingIsMeasuredFromTheStart() {
        let pacer = CrashLoopPacer(now: start)
        #expect(!pacer.hasOutlivedQuickDeath(startedAt: start, now: start + .milliseconds(1_999)))
        #expect(pacer.hasOutlivedQuickDeath(startedAt: start, now: start + .seconds(2)))
    }
}
