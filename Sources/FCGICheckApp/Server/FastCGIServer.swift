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
        /// How long a check run may take before the request is answered 504 (below nginx's fastcgi_read_timeout).
        var requestTimeout: Duration = .seconds(25)
        /// Requests taking longer are logged as slow; nil logs none.
        var slowLogThreshold: Duration? = nil
        /// After this many requests the process retires (see `onRetire`); nil never.
        var maximumRequests: Int? = nil
        /// The worker's number in logs (its scoreboard slot).
        var workerName: String = "0"
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
    private let accessLogger: Logger?
    private let slot: Scoreboard.Slot
    private let onRetire: @Sendable () -> Void
    private let state = LockedValue(State())
    private let running = DispatchGroup()

    /// Creates a server on a listening socket.
    /// - Parameters:
    ///   - socketIsShared: true for a socket inherited from a supervisor or process manager, which other processes
    ///     may accept on too; it is then never shut down, only this process's threads are woken.
    ///   - accessLogger: where each request's access line goes; nil for none.
    ///   - slot: this process's scoreboard slot, where its counts go.
    ///   - onRetire: called once when `maximumRequests` have been accepted; it should stop the server.
    init(
        socket: Int32,
        socketIsShared: Bool,
        configuration: Configuration,
        router: Router,
        logger: Logger,
        accessLogger: Logger?,
        slot: Scoreboard.Slot,
        onRetire: @escaping @Sendable () -> Void = {}
    ) {
        self.socket = socket
        self.socketIsShared = socketIsShared
        self.configuration = configuration
        self.router = router
        self.logger = logger
        self.accessLogger = accessLogger
        self.slot = slot
        self.onRetire = onRetire
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
            // Refuses new connections and wakes every thread blocked in accept(). On a unix socket the connections
            // already queued are still handed out, and the threads answer them before they exit (see acceptLoop);
            // on TCP the kernel resets them.
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
            // A stopping server answers what is still queued on a socket that was shut down (by this process, or by
            // the supervisor at a full stop): accept() then returns at once, with a connection or an error.
            if stopping && !Self.isShutDown(socket) { return }
            slot.add(.idleThreads)
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
                slot.subtract(.idleThreads)
                if stoppingNow { return }
                if code == EINTR { continue }
                // The supervisor shut the shared socket down (a full stop) and the queue is empty: nothing more
                // will come; the stop signal is on its way.
                if Self.isShutDown(socket) { return }
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

    /// Whether a listening socket has been shut down: poll() then reports a hang-up (a live one reports at most
    /// a connection waiting).
    private static func isShutDown(_ socket: Int32) -> Bool {
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) == 1 && descriptor.revents & Int16(POLLHUP) != 0
    }

    /// Reads one request, answers it, counts and logs it.
    private func answer(_ connection: FastCGIConnection) {
        let started = ContinuousClock.now
        let accepted = slot.countAccepted(threads: configuration.threads)
        if let maximum = configuration.maximumRequests, accepted == UInt64(maximum) {
            logger.notice(
                "worker \(configuration.workerName) accepted its \(maximum) requests (--max-requests): retiring")
            onRetire()
        }
        let method = connection.param("REQUEST_METHOD") ?? "GET"
        let uri = connection.param("REQUEST_URI") ?? connection.param("DOCUMENT_URI") ?? "/"
        let path = HTTPRequest.path(ofRequestURI: uri)
        let contentType = connection.param("CONTENT_TYPE")
        let requestID = connection.param("REQUEST_ID")
        let expectedLength = connection.param("CONTENT_LENGTH").flatMap { Int($0) }
        let limit = configuration.maximumBodySize
        let response: HTTPResponse
        var bytesIn = 0
        var timedOut = false
        switch connection.readBody(limit: limit, drainLimit: limit * 16, expectedLength: expectedLength) {
        case .complete(let body):
            bytesIn = body.count
            let request = HTTPRequest(
                method: method, path: path, contentType: contentType, body: body,
                query: connection.param("QUERY_STRING") ?? "", acceptLanguage: connection.param("HTTP_ACCEPT_LANGUAGE"))
            switch router.route(request) {
            case .respond(let immediate):
                response = immediate
            case .check(let job):
                (response, timedOut) = waitForCheck(job)
            }
        case .tooLarge:
            bytesIn = expectedLength ?? limit
            response = Router.tooLarge()
        case .failed:
            connection.finish()
            let elapsed = ContinuousClock.now - started
            slot.countFinished(status: nil, duration: elapsed, bytesIn: 0, bytesOut: 0, slow: false)
            logger.warning("\(method) \(path) dropped: the body could not be read (peer gone or silent too long)")
            return
        }
        let delivered = connection.write(head: response.cgiHead, body: response.body)
        connection.finish()
        let elapsed = ContinuousClock.now - started
        let slow = configuration.slowLogThreshold.map { elapsed >= $0 } ?? false
        if timedOut { slot.add(.timedOut) }
        slot.countFinished(
            status: response.status, duration: elapsed, bytesIn: bytesIn, bytesOut: response.body.count, slow: slow)
        let entry = AccessLogEntry(
            method: method, uri: uri, status: response.status, duration: elapsed, bytesIn: bytesIn,
            bytesOut: response.body.count, worker: configuration.workerName, requestID: requestID,
            clientWentAway: !delivered)
        accessLogger?.info("\(entry.line)")
        if slow {
            logger.warning(
                "slow request",
                metadata: [
                    "method": "\(method)", "path": "\(path)", "status": "\(response.status)",
                    "duration_ms": "\(entry.durationMilliseconds)", "bytes_in": "\(bytesIn)",
                    "bytes_out": "\(response.body.count)", "request_id": "\(requestID ?? "-")",
                ])
        }
    }

    /// Runs the checks on the cooperative pool and blocks this accept thread (not a pool thread) until they end, or
    /// until the request timeout: a hung inventory must not keep the thread forever.
    /// - Returns: the response, and whether it is the timeout's 504.
    private func waitForCheck(_ job: Router.CheckJob) -> (HTTPResponse, Bool) {
        let outcome = CheckOutcome()
        let router = self.router
        let task = Task {
            outcome.deliver(await router.check(job))
        }
        if let response = outcome.wait(timeout: configuration.requestTimeout) { return (response, false) }
        task.cancel()
        logger.error(
            "check run exceeded the request timeout of \(configuration.requestTimeout.seconds)s; answered 504",
            metadata: ["members": "\(job.proposal.members.count)"])
        return (.detail(504, "Gateway Timeout"), true)
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
        guard ready.wait(timeout: .now() + .microseconds(Int(timeout.microseconds))) == .success else { return nil }
        return response.withLock { $0 }
    }
}
