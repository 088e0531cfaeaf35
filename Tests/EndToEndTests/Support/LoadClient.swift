import Foundation
import Testing

/// A steady load of the test's own making: `connections` threads, each sending one request per connection through
/// nginx on 127.0.0.1, until `total` requests were sent, `stop()` is called or `timeLimit` has passed. Bounded in
/// count and in time (each request has a 30 s read timeout), and every answer is kept for the test to judge.
final class LoadClient: @unchecked Sendable {
    // @unchecked: every mutable field is guarded by `lock`.

    /// One request's fate.
    struct Outcome: Sendable {
        var started: ContinuousClock.Instant
        var finished: ContinuousClock.Instant
        /// The HTTP status, or nil when no HTTP answer came (refused, reset); `body` then says why.
        var status: Int?
        var body: String
    }

    private let lock = NSLock()
    private var outcomes: [Outcome] = []
    private var sent = 0
    private var stopped = false
    private let done = DispatchGroup()
    private let port: UInt16
    private let total: Int
    private let request: [UInt8]
    /// No request is sent after this.
    let deadline: ContinuousClock.Instant

    /// Starts the load at once.
    init(
        port: UInt16, total: Int, connections: Int, body: String = NginxContractTests.referenceRequest,
        timeLimit: Duration = .seconds(40)
    ) {
        self.port = port
        self.total = total
        deadline = .now + timeLimit
        request = HTTPClient.request("POST", "/", body: Array(body.utf8))
        for index in 0..<connections {
            done.enter()
            let thread = Thread { [self] in
                run()
                done.leave()
            }
            thread.name = "load-\(index)"
            thread.start()
        }
    }

    private func run() {
        while true {
            let proceed = lock.withLock {
                guard !stopped && sent < total && ContinuousClock.now < deadline else { return false }
                sent += 1
                return true
            }
            guard proceed else { return }
            let started = ContinuousClock.now
            var outcome = Outcome(started: started, finished: started, status: nil, body: "")
            switch HTTPClient.answer(port: port, request) {
            case .success(let reply):
                outcome.status = reply.status
                outcome.body = reply.text
            case .failure(let reason):
                outcome.body = reason.description
            }
            outcome.finished = .now
            lock.withLock { outcomes.append(outcome) }
        }
    }

    /// How many requests have been answered so far.
    var answered: Int { lock.withLock { outcomes.count } }

    /// Stops sending new requests (those in flight finish).
    func stop() { lock.withLock { stopped = true } }

    /// Waits for every thread to finish; returns every outcome, in order of completion.
    func wait() -> [Outcome] {
        done.wait()
        return lock.withLock { outcomes }
    }

    /// Waits until at least `count` answers came, or the load's time limit has passed.
    func waitUntilAnswered(_ count: Int) {
        _ = TestEnvironment.wait(for: max(.zero, deadline - .now)) { answered >= count }
    }
}
