import CheckDomain
import Dispatch
import Foundation
import Logging

/// The FastCGI accept loop: a fixed set of threads, each accepting and answering one request at a time.
///
/// libfcgi's calls block, so they run on these threads and never on Swift's cooperative pool; only a valid proposal's
/// check run goes to the pool, and the accept thread waits for it. There is no mutex around accepting: each thread
/// waits on the socket on its own (`ConnectionAcceptor`), and a lock would let one slow connection hold up the rest.
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

    private let socket: Int32
    private let socketIsShared: Bool
    private let configuration: Configuration
    private let router: Router
    private let logger: Logger
    private let accessLogger: Logger?
    private let slot: Scoreboard.Slot
    private let onRetire: @Sendable () -> Void
    private let isStopping = LockedValue(false)
    private let stopBell: StopBell
    private let running = DispatchGroup()

    /// Creates a server on a listening socket.
    /// - Parameters:
    ///   - socketIsShared: true for a socket inherited from a supervisor or process manager, which other processes
    ///     may accept on too; it is then never shut down, only this process's threads stop waiting on it.
    ///   - accessLogger: where each request's access line goes; nil for none.
    ///   - slot: this process's scoreboard slot, where its counts go.
    ///   - onRetire: called once when `maximumRequests` have been accepted, after the server stopped accepting; it
    ///     should stop the server (which waits for the requests in flight) and end the process.
    init(
        socket: Int32,
        socketIsShared: Bool,
        configuration: Configuration,
        router: Router,
        logger: Logger,
        accessLogger: Logger?,
        slot: Scoreboard.Slot,
        onRetire: @escaping @Sendable () -> Void = {}
    ) throws(FastCGIError) {
        self.socket = socket
        self.socketIsShared = socketIsShared
        self.configuration = configuration
        self.router = router
        self.logger = logger
        self.accessLogger = accessLogger
        self.slot = slot
        self.onRetire = onRetire
        stopBell = try StopBell()
    }

    /// Starts the accept threads and returns once each is ready to accept.
    /// - Throws: when a thread could not set up its wait (out of descriptors, say); the threads that did are stopped.
    func start() throws(FastCGIError) {
        try FastCGILibrary.initialize()
        try ConnectionAcceptor.prepare(listener: socket)
        let setUp = DispatchSemaphore(value: 0)
        let failures = LockedValue<[FastCGIError]>([])
        for index in 0..<configuration.threads {
            running.enter()
            let thread = Thread { [self] in
                defer { running.leave() }
                // Made here, on the thread that alone uses them (neither is Sendable).
                let acceptor: ConnectionAcceptor
                let connection: FastCGIConnection
                do throws(FastCGIError) {
                    acceptor = try ConnectionAcceptor(listener: socket, stopBell: stopBell)
                    connection = try FastCGIConnection(
                        ioTimeoutSeconds: configuration.ioTimeoutSeconds, lingersOnClose: acceptor.isTCP)
                } catch {
                    failures.withLock { $0.append(error) }
                    setUp.signal()
                    return
                }
                setUp.signal()
                acceptLoop(acceptor: acceptor, connection: connection)
            }
            thread.name = "fcgi-accept-\(index)"
            thread.stackSize = 4 << 20
            thread.start()
        }
        for _ in 0..<configuration.threads { setUp.wait() }
        if let failure = failures.withLock({ $0.first }) {
            _ = stop(timeout: .seconds(5))
            throw FastCGIError("an accept thread cannot start: \(failure)")
        }
    }

    /// Stops accepting, lets the requests in flight finish, and waits for every thread to end.
    /// - Returns: false when threads were still busy after `timeout`.
    func stop(timeout: Duration) -> Bool {
        stopAccepting()
        return running.wait(timeout: .now() + .microseconds(Int(timeout.microseconds))) == .success
    }

    /// Stops accepting at once, without waiting for the requests in flight: every thread takes nothing more once it
    /// is done with its request (or at once, if it is waiting for one).
    private func stopAccepting() {
        if !socketIsShared {
            // Refuses new connections. On a unix socket the connections already queued are still handed out, and the
            // threads answer them before they exit (see acceptLoop); on TCP the kernel resets them. Shut down before
            // the flag is set: a thread that sees the flag must also see the shut-down socket, or it would leave
            // without draining.
            shutdown(socket, Int32(SHUT_RDWR))
        }
        isStopping.withLock { $0 = true }
        // Wakes every thread waiting for a connection; busy threads see the stop when they come back.
        stopBell.ring()
    }

    private func acceptLoop(acceptor: ConnectionAcceptor, connection: FastCGIConnection) {
        var failures = 0
        while true {
            if isStopping.withLock({ $0 }) {
                // A stopping server answers what is still queued on a socket that was shut down (by this process, or
                // by the supervisor at a full stop); on a socket it shares with other workers it takes nothing more.
                guard ConnectionAcceptor.isShutDown(socket), let descriptor = acceptor.nextQueued() else { return }
                slot.add(.idleThreads)
                serve(descriptor, on: connection)
                continue
            }
            slot.add(.idleThreads)
            switch acceptor.next() {
            case .connection(let descriptor):
                failures = 0
                serve(descriptor, on: connection)
            case .stopRequested:
                slot.subtract(.idleThreads)
            case .shutDown:
                // The supervisor shut the shared socket down (a full stop) and the queue is empty: nothing more will
                // come; the stop signal is on its way.
                slot.subtract(.idleThreads)
                return
            case .failed(let code):
                slot.subtract(.idleThreads)
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

    /// Reads the params of an accepted connection and answers its request; the thread counts as busy throughout.
    private func serve(_ descriptor: Int32, on connection: FastCGIConnection) {
        slot.takeConnection(threads: configuration.threads)
        guard connection.begin(connection: descriptor) else {
            slot.dropConnection()
            logger.debug("a connection closed or went silent before its request began; dropped")
            return
        }
        answer(connection)
    }

    /// Reads one request, answers it, counts and logs it.
    private func answer(_ connection: FastCGIConnection) {
        let started = ContinuousClock.now
        let accepted = slot.countAccepted()
        if let maximum = configuration.maximumRequests, accepted == UInt64(maximum) {
            logger.notice(
                "worker \(configuration.workerName) accepted its \(maximum) requests (--max-requests): retiring")
            // Takes nothing more from here on, not only once onRetire's stop has come round: the signal it sends
            // may take a while to be handled, and a thread free by then would go on accepting past the maximum.
            stopAccepting()
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
        let put = connection.put(head: response.cgiHead, body: response.body)
        let elapsed = ContinuousClock.now - started
        let slow = configuration.slowLogThreshold.map { elapsed >= $0 } ?? false
        if timedOut { slot.add(.timedOut) }
        // Counted before the answer's end leaves (endResponse): the web server passes the answer on as soon as that
        // arrives, and whoever has it must find it in /status already.
        slot.countFinished(
            status: response.status, duration: elapsed, bytesIn: bytesIn, bytesOut: response.body.count, slow: slow)
        let delivered = put && connection.endResponse()
        connection.finish()
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
