import Testing

@testable import FCGICheckApp

/// The reload's steps as the supervisor takes them: a SIGHUP during a reload is remembered, not lost and not doubled;
/// the wait for slots is logged once; a refused or ended reload goes back to idle.
@Suite struct ReloadStateTests {
    let deadline = ContinuousClock.now + .seconds(30)

    @Test func aRequestWaitsForSlotsAndAnnouncesTheWaitOnce() {
        var state = ReloadState.idle
        state.request()
        let first = state.keepWaiting()
        let second = state.keepWaiting()
        state.request()
        let afterAnotherRequest = state.keepWaiting()
        #expect(first)
        #expect(!second)
        #expect(!afterAnotherRequest)
        #expect(state.starting == nil)
    }

    @Test func aReloadThatBeganEndsIdle() {
        var state = ReloadState.idle
        state.request()
        state.begin(.init(number: 2, policy: nil, deadline: deadline))
        #expect(state.starting?.number == 2)
        let waits = state.keepWaiting()
        #expect(!waits)
        state.end()
        guard case .idle = state else {
            Issue.record("not idle after the reload ended: \(state)")
            return
        }
    }

    @Test func aSIGHUPDuringAReloadStartsAnotherOnceItEnds() {
        var state = ReloadState.idle
        state.request()
        state.begin(.init(number: 2, policy: nil, deadline: deadline))
        state.request()
        state.request()
        #expect(state.starting?.requestedAgain == true)
        state.end()
        guard case .waitingForSlots(announced: false) = state else {
            Issue.record("not waiting for slots after the reload ended: \(state)")
            return
        }
    }

    @Test func aRefusedReloadIsIdle() {
        var state = ReloadState.idle
        state.request()
        state.end()
        guard case .idle = state else {
            Issue.record("not idle after a refused reload: \(state)")
            return
        }
    }
}
