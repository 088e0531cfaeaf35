import CheckDomain
import Dispatch
import Foundation
import Logging

/// The FastCGI accept loop: a fixed set of threads, each accepting and answering one request at a time.
///
/// libfcgi's calls block, so they run on these threads and never on Swift's cooperative pool; only a valid proposal's
/// check run goes to the pool, and the accept thread waits for it. There is no mutex around `FCGX_Accept_r`: on
/// Linux concurrent `accept()` calls on one socket are safe, and a mutex would let one idle kept-alive connection
/// block every other thread.
final class FastCGIServer: Sendable {
    /// Settings that shape every request.
    struct Configuration: Sendable {
        /// Accept threads, the most requests answered at once.
        var threads: Int
        /// Largest accepted body, in bytes.
        var maximumBodySize: Int
        /// How long one read or write of a request may block before the request is dropped.
        var ioTimeoutSeconds: Int = 30
        /// How long a check run may take before the request is answered 503 (below nginx's fastcgi_read_timeout).
        var checkDeadline: Duration = .seconds(25)
    }

    private struct Worker {
        var thread: pthread_t
        var isAccepting = false
    }

    private struct State {
        var isStopping = false
        var workers: [Int: Worker] = [:]
    }

    private let socket: Int32
    private let socketIsShared: Bool
    private let configuration: Configuration
    private let router: Router
    private let logger: Logger
    private let state = LockedValue(State())
    private let running = DispatchGroup()

    /// Creates a server on a listening socket.
    /// - Parameter socketIsShared: true for a socket inherited from a process manager, which other processes may
    ///   accept on too; it is then never shut down, only this process's threads are woken.
    init(socket: Int32, socketIsShared: Bool, configuration: Configuration, router: Router, logger: Logger) {
        self.socket = socket
        self.socketIsShared = socketIsShared
        self.configuration = configuration
        self.router = router
        self.logger = logger
    }

    /// Starts the accept threads and returns.
    func start() throws(FastCGIError) {
        try FastCGILibrary.initialize()
        Self.installWakeSignal()
        for index in 0..<configuration.threads {
            running.enter()
            let thread = Thread { [self] in
                acceptLoop(index: index)
                running.leave()
            }
            thread.name = "fcgi-accept-\(index)"
            thread.stackSize = 4 << 20
            thread.start()
        }
    }

    /// Stops accepting, lets the requests in flight finish, and waits for every thread to end.
    /// - Returns: false when threads were still busy after `timeout`.
    func stop(timeout: Duration) -> Bool {
        state.withLock { $0.isStopping = true }
        if !socketIsShared {
            // Wakes every thread blocked in accept() on Linux; connections not yet accepted are refused.
            shutdown(socket, Int32(SHUT_RDWR))
        }
        let deadline = ContinuousClock.now + timeout
        while running.wait(timeout: .now() + .milliseconds(50)) == .timedOut {
            guard ContinuousClock.now < deadline else { return false }
            // A socket shared with other processes must not be shut down: interrupt this process's threads blocked
            // in accept() instead (FCGI_FAIL_ACCEPT_ON_INTR makes it return); busy threads are left alone. Our own
            // socket needs no signal, which could also cut short a connection libfcgi has just accepted.
            guard socketIsShared else { continue }
            state.withLock { state in
                for worker in state.workers.values where worker.isAccepting {
                    pthread_kill(worker.thread, Self.wakeSignal)
                }
            }
        }
        return true
    }

    /// The signal that interrupts a blocked accept: its handler does nothing, and it is installed without
    /// SA_RESTART so that the interrupted call returns EINTR.
    private static let wakeSignal = SIGUSR2

    private static func installWakeSignal() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(wakeSignal, &action, nil)
    }

    private func acceptLoop(index: Int) {
        let connection: FastCGIConnection
        do {
            connection = try FastCGIConnection(listeningOn: socket, ioTimeoutSeconds: configuration.ioTimeoutSeconds)
        } catch {
            logger.critical("accept thread cannot start", metadata: ["thread": "\(index)", "error": "\(error)"])
            return
        }
        state.withLock { $0.workers[index] = Worker(thread: pthread_self()) }
        defer { state.withLock { $0.workers[index] = nil } }
        var failures = 0
        while true {
            let stopping = state.withLock { state in
                if !state.isStopping { state.workers[index]?.isAccepting = true }
                return state.isStopping
            }
            if stopping { return }
            let accepted = connection.accept()
            let stoppingNow = state.withLock { state in
                state.workers[index]?.isAccepting = false
                return state.isStopping
            }
            switch accepted {
            case .accepted:
                failures = 0
                answer(connection)
            case .failed(let code):
                if stoppingNow { return }
                if code == EINTR { continue }
                failures += 1
                // Out of file descriptors and the like: back off (10 ms doubling to about 1 s) and log the first
                // failure of a run and then every hundredth, not a line per attempt per thread.
                if failures == 1 || failures.isMultiple(of: 100) {
                    logger.error(
                        "accept failed",
                        metadata: [
                            "errno": "\(code)", "error": "\(String(cString: strerror(code)))",
                            "failures": "\(failures)",
                        ]
                    )
                }
                usleep(UInt32(min(1_000_000, 10_000 << min(failures - 1, 7))))
            }
        }
    }

    /// Reads one request, answers it, logs it.
    private func answer(_ connection: FastCGIConnection) {
        let started = ContinuousClock.now
        let method = connection.param("REQUEST_METHOD") ?? "GET"
        let path = HTTPRequest.path(
            ofRequestURI: connection.param("REQUEST_URI") ?? connection.param("DOCUMENT_URI") ?? "/")
        let contentType = connection.param("CONTENT_TYPE")
        let expectedLength = connection.param("CONTENT_LENGTH").flatMap { Int($0) }
        let limit = configuration.maximumBodySize
        let response: HTTPResponse
        switch connection.readBody(limit: limit, drainLimit: limit * 16, expectedLength: expectedLength) {
        case .complete(let body):
            let request = HTTPRequest(
                method: method, path: path, contentType: contentType, body: body,
                query: connection.param("QUERY_STRING") ?? "", acceptLanguage: connection.param("HTTP_ACCEPT_LANGUAGE"))
            switch router.route(request) {
            case .respond(let immediate):
                response = immediate
            case .check(let job):
                response = waitForCheck(job)
            }
        case .tooLarge:
            response = Router.tooLarge()
        case .failed:
            connection.finish()
            logger.warning("\(method) \(path) dropped: the body could not be read (peer gone or silent too long)")
            return
        }
        let delivered = connection.write(head: response.cgiHead, body: response.body)
        connection.finish()
        let elapsed = ContinuousClock.now - started
        let microseconds = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        let fraction = String(microseconds % 1000)
        let duration = "\(microseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)ms"
        if delivered {
            logger.info("\(method) \(path) \(response.status) \(duration)")
        } else {
            logger.info("\(method) \(path) \(response.status) \(duration) (client went away)")
        }
    }

    /// Runs the checks on the cooperative pool and blocks this accept thread (not a pool thread) until they end, or
    /// until the check deadline: a hung inventory must not keep the thread forever.
    private func waitForCheck(_ job: Router.CheckJob) -> HTTPResponse {
        let outcome = CheckOutcome()
        let router = self.router
        let task = Task {
            outcome.deliver(await router.check(job))
        }
        if let response = outcome.wait(timeout: configuration.checkDeadline) { return response }
        task.cancel()
        logger.error("check run exceeded its deadline of \(configuration.checkDeadline); answered 503")
        return .detail(503, "Check run timed out")
    }
}

/// A one-shot hand-over of a response from a task to a waiting thread.
private final class CheckOutcome: Sendable {
    private let response = LockedValue<HTTPResponse?>(nil)
    private let ready = DispatchSemaphore(value: 0)

    func deliver(_ value: HTTPResponse) {
        response.withLock { $0 = value }
        ready.signal()
    }

    /// The response, or nil when it did not come within `timeout` (it may come later, and is then dropped).
    func wait(timeout: Duration) -> HTTPResponse? {
        let milliseconds =
            Int(timeout.components.seconds) * 1000 + Int(timeout.components.attoseconds / 1_000_000_000_000_000)
        guard ready.wait(timeout: .now() + .milliseconds(milliseconds)) == .success else { return nil }
        return response.withLock { $0 }
    }
}
