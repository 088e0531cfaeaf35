import CheckDomain
import CheckService
import Dispatch
import Foundation
import Logging
import Synchronization

/// The FastCGI accept loop: a fixed set of threads, each accepting and answering one request at a time.
///
/// A request travels in one direction on the thread that accepted it: params and body, route, decode, a fresh
/// per-request context, the check items, encode, write, count and log. Nothing in it waits but the inventory read,
/// and a thread that waits is what the thread is for: no hop to Swift's cooperative pool, no lock. Each thread has its
/// own inventory reader. There is no mutex around accepting either: each thread waits on the socket on its own
/// (`ConnectionAcceptor`), and a lock would let one slow connection hold up the rest.
final class FastCGIServer: Sendable {
    /// Settings that shape every request.
    struct Configuration: Sendable {
        /// Accept threads, the most requests answered at once.
        var threads: Int
        /// Largest accepted body, in bytes.
        var maximumBodySize: Int
        /// How long one read or write of a request may block before the request is dropped.
        var ioTimeoutSeconds: Int = 30
        /// How long answering a request may take (its inventory read is abandoned then) before it is answered 504;
        /// below nginx's fastcgi_read_timeout.
        var requestTimeout: Duration = .seconds(25)
        /// Requests taking longer are logged as slow; nil logs none.
        var slowLogThreshold: Duration? = nil
        /// After this many requests the process retires (see `onRetire`); nil never.
        var maximumRequests: Int? = nil
        /// The worker's number in logs (its scoreboard slot).
        var workerName: String = "0"
        /// How many threads take connections at once while none is stuck (`RunningLimit`); nil: every thread.
        var runningLimit: Int? = nil
    }

    private let socket: Int32
    private let socketIsShared: Bool
    private let configuration: Configuration
    private let router: Router
    private let inventory: any NodeInventory
    private let logger: Logger
    private let recorder: RequestRecorder
    private let slot: Scoreboard.Slot
    private let onRetire: @Sendable () -> Void
    /// Set once, when the server stops; read by every accept thread before each connection (an atomic load: a lock
    /// shared by the threads was taken and released on every request).
    private let isStopping = Atomic<Bool>(false)
    private let stopBell: StopBell
    private let running = DispatchGroup()
    /// Every accept thread's batch of access lines, for a stop that runs out of time to write.
    private let batches = LockedValue<[AccessLog.Batch]>([])
    /// Which threads take connections, when only some should (see `RunningLimit`).
    private let runningLimit: RunningLimit?

    /// For the start-up log: how many threads take connections at once while none is stuck, when not all.
    var runningLimitNote: String {
        guard let limit = runningLimit?.limit, limit < configuration.threads else { return "" }
        return "; \(limit) of them take connections at once while none is stuck"
    }

    /// Creates a server on a listening socket.
    /// - Parameters:
    ///   - socketIsShared: true for a socket inherited from a supervisor or process manager, which other processes
    ///     may accept on too; it is then never shut down, only this process's threads stop waiting on it.
    ///   - inventory: where each thread's inventory reader comes from.
    ///   - accessLog: where each request's access line goes; nil for none.
    ///   - slot: this process's scoreboard slot, where its counts go.
    ///   - onRetire: called once when `maximumRequests` have been accepted, after the server stopped accepting; it
    ///     should stop the server (which waits for the requests in flight) and end the process.
    init(
        socket: Int32,
        socketIsShared: Bool,
        configuration: Configuration,
        router: Router,
        inventory: any NodeInventory,
        logger: Logger,
        accessLog: AccessLog?,
        slot: Scoreboard.Slot,
        onRetire: @escaping @Sendable () -> Void = {}
    ) throws(FastCGIError) {
        self.socket = socket
        self.socketIsShared = socketIsShared
        self.configuration = configuration
        self.router = router
        self.inventory = inventory
        self.logger = logger
        recorder = RequestRecorder(
            slot: slot, accessLog: accessLog, logger: logger,
            slowLogThreshold: configuration.slowLogThreshold, workerName: configuration.workerName)
        self.slot = slot
        self.onRetire = onRetire
        runningLimit = configuration.runningLimit.map { RunningLimit(limit: $0, threads: configuration.threads) }
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
                // Made here, on the thread that alone uses them (none is Sendable).
                let acceptor: ConnectionAcceptor
                let connection: FastCGIConnection
                let reader: any NodeReader
                do {
                    acceptor = try ConnectionAcceptor(listener: socket, stopBell: stopBell)
                    connection = try FastCGIConnection(
                        ioTimeoutSeconds: configuration.ioTimeoutSeconds, lingersOnClose: acceptor.isTCP)
                    reader = try inventory.makeReader()
                } catch {
                    failures.withLock { $0.append(FastCGIError("\(error)")) }
                    setUp.signal()
                    return
                }
                setUp.signal()
                let batch = AccessLog.Batch()
                batches.withLock { $0.append(batch) }
                defer { batch.flush() }
                acceptLoop(index: index, acceptor: acceptor, connection: connection, reader: reader, batch: batch)
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
        let stopped = running.wait(timeout: .now() + .microseconds(Int(timeout.microseconds))) == .success
        // Threads still busy keep the lines of the requests they answered before: the process is about to exit
        // without them, so they are written here.
        if !stopped { batches.withLock { for batch in $0 { batch.flush() } } }
        return stopped
    }

    /// Stops accepting at once, without waiting for the requests in flight: every thread takes nothing more once it
    /// is done with its request (or at once, if it is waiting for one).
    private func stopAccepting() {
        if !socketIsShared {
            // Refuses new connections. On a unix socket the connections already queued are still handed out, and the
            // threads answer them before they exit (see acceptLoop); on TCP the kernel resets them. Shut down before
            // the flag is set: a thread that sees the flag must also see the shut-down socket, or it would leave
            // without draining.
            try? Posix.shutdown(socket, how: Int32(SHUT_RDWR))
        }
        isStopping.store(true, ordering: .releasing)
        // Wakes every thread waiting for a connection, and those standing by; busy threads see the stop when they
        // come back.
        stopBell.ring()
        runningLimit?.stop()
    }

    private func acceptLoop(
        index: Int, acceptor: ConnectionAcceptor, connection: FastCGIConnection, reader: any NodeReader,
        batch: AccessLog.Batch
    ) {
        var failures = 0
        // Whether this thread takes connections now (always, without a running limit).
        var taking = false
        defer { runningLimit?.leave(taking: taking) }
        while true {
            if isStopping.load(ordering: .acquiring) {
                // A stopping server answers what is still queued on a socket that was shut down (by this process, or
                // by the supervisor at a full stop); on a socket it shares with other workers it takes nothing more.
                guard ConnectionAcceptor.isShutDown(socket), let descriptor = acceptor.nextQueued() else { return }
                slot.add(.idleThreads)
                serve(descriptor, index: index, on: connection, reader: reader, batch: batch)
                continue
            }
            slot.add(.idleThreads)
            // With a running limit, the thread may have to stand by first (its lines are written before it does).
            if let runningLimit, !runningLimit.takeConnections(taking: &taking, beforeStandingBy: batch.flush) {
                slot.subtract(.idleThreads)
                continue
            }
            // The access lines wait while connections do; they are written before the thread sleeps.
            switch acceptor.next(beforeWaiting: batch.flush) {
            case .connection(let descriptor):
                failures = 0
                serve(descriptor, index: index, on: connection, reader: reader, batch: batch)
            case .stopRequested:
                slot.subtract(.idleThreads)
            case .shutDown:
                // The supervisor shut the shared socket down (a full stop) and the queue is empty: nothing more will
                // come; the stop signal is on its way.
                slot.subtract(.idleThreads)
                return
            case .failed(let error):
                slot.subtract(.idleThreads)
                failures += 1
                // Out of file descriptors and the like: back off (10 ms doubling to about 1 s) and log the first
                // failure of a run and then every hundredth, not a line per attempt per thread.
                if failures == 1 || failures.isMultiple(of: 100) {
                    logger.error(
                        "accept failed",
                        metadata: [
                            "errno": "\(error.code)", "error": "\(error.message)",
                            "failures": "\(failures)",
                        ]
                    )
                }
                // The listener stays readable while accept fails, so the thread never looks idle: write its lines.
                batch.flush()
                Posix.usleep(UInt32(min(1_000_000, 10_000 << min(failures - 1, 7))))
            }
        }
    }

    /// Reads the params of an accepted connection and answers its request; the thread counts as busy throughout.
    private func serve(
        _ descriptor: Int32, index: Int, on connection: FastCGIConnection, reader: any NodeReader,
        batch: AccessLog.Batch
    ) {
        // From the accept on: a client slow to send its request holds the thread, and counts towards its being stuck.
        runningLimit?.beginAnswering(index)
        defer { runningLimit?.endAnswering(index) }
        slot.takeConnection(threads: configuration.threads)
        guard connection.begin(connection: descriptor) else {
            slot.dropConnection()
            logger.debug("a connection closed or went silent before its request began; dropped")
            return
        }
        let started = ContinuousClock.now
        retireIfDue()
        let incoming = connection.readRequest(maximumBodySize: configuration.maximumBodySize)
        let response: HTTPResponse
        switch incoming.body {
        case .complete:
            response = router.respond(
                to: incoming.request, reader: reader, deadline: started + configuration.requestTimeout)
        case .tooLarge:
            response = .tooLarge
        case .failed:
            connection.finish()
            recorder.dropped(
                method: incoming.request.method, path: incoming.request.path, duration: ContinuousClock.now - started)
            return
        }
        let put = connection.put(head: response.cgiHead, body: response.content)
        let finished = RequestRecorder.Finished(
            method: incoming.request.method, uri: incoming.uri, requestID: incoming.request.requestID,
            status: response.status, bytesIn: incoming.bytesIn, bytesOut: response.bodyCount,
            duration: ContinuousClock.now - started)
        recorder.count(finished)
        let delivered = put && connection.endResponse()
        connection.finish()
        recorder.log(finished, delivered: delivered, batch: batch)
    }

    /// Counts the request just accepted; the one that reaches `--max-requests` retires the process.
    private func retireIfDue() {
        let accepted = slot.countAccepted()
        guard let maximum = configuration.maximumRequests, accepted == UInt64(maximum) else { return }
        logger.notice("worker \(configuration.workerName) accepted its \(maximum) requests (--max-requests): retiring")
        // Takes nothing more from here on, not only once onRetire's stop has come round: the signal it sends may take
        // a while to be handled, and a thread free by then would go on accepting past the maximum.
        stopAccepting()
        onRetire()
    }
}

/// An answer's body is written out from where it is: its array, or where a check run's writer left it.
extension HTTPResponse.Content: FastCGIBody {}
