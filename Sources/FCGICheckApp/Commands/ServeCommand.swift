import ArgumentParser
import CheckDomain
import Foundation
import Logging

/// `fcgi-check serve`: answers FastCGI requests from nginx until SIGTERM or SIGINT.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the check API over FastCGI.",
        discussion: """
            Listens on a unix socket or a loopback TCP port (or, without --listen, on the listening socket inherited \
            on fd 0, as spawn-fcgi passes it) and answers POST / with the check results. SIGTERM, SIGINT or SIGQUIT stops \
            accepting, lets the requests in flight finish and exits 0 (1 if --stop-timeout ran out first).

            Examples:
              fcgi-check serve --inventory /var/lib/fcgi-check/inventory.sqlite --listen unix:/run/fcgi-check/app.sock
              fcgi-check serve --demo --listen 127.0.0.1:9000 --threads 16
            """
    )

    @Option(help: "Where to listen: unix:/path/to.sock or HOST:PORT. Default: the socket on fd 0.")
    var listen: String?

    @OptionGroup var inventorySource: InventorySourceOptions

    @OptionGroup var policyOptions: PolicyOptions

    @Option(
        name: .customLong("threads"),
        help: ArgumentHelp(
            "Accept threads per process: the most requests it answers at once. Default: 4 x cores, at least 8 "
                + "(\(ServeCommand.defaultThreads) on this machine).",
            valueName: "n"))
    var threadsOption: Int?

    @Option(help: "Largest request body accepted, in bytes; larger bodies get 413.")
    var maxBodySize: Int = 1 << 20

    @Option(help: "Seconds one read or write of a request may block before the request is dropped.")
    var ioTimeout: Int = 30

    @Option(help: "Length of the socket's queue of connections not yet accepted.")
    var backlog: Int32 = 1024

    @Option(help: "Permissions of a unix socket, in octal.")
    var socketMode: String = "0660"

    @Flag(help: "Allow --listen on a TCP address other than loopback (anyone who reaches it can send requests).")
    var allowNonLoopback = false

    @Option(help: "Group of a unix socket (name or number): the web server's, so that it may connect.")
    var socketGroup: String?

    @Option(help: "Seconds to let requests in flight finish after SIGTERM, SIGINT or SIGQUIT.")
    var stopTimeout: Int = 10

    @Option(
        help: """
            Worker processes, each with --threads accept threads, run by a supervisor that holds the socket, \
            replaces workers that exit and reloads on SIGHUP. 0: serve in this process alone.
            """)
    var workers: Int = 0

    @Option(
        help: "Requests after which a worker retires and is replaced (a guard against slow leaks); needs --workers.")
    var maxRequests: Int?

    @Option(help: "Seconds a check run may take; a request running longer is answered 504 and logged.")
    var requestTimeout: Double = 25

    @Option(help: "Log requests slower than this many seconds, with their duration and sizes.")
    var slowLog: Double?

    @Flag(inversion: .prefixedNo, help: "Write one JSON line per request to standard error.")
    var accessLog = true

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    @Option(help: .hidden)
    var workerSlot: Int?

    static var defaultThreads: Int { max(8, 4 * ProcessInfo.processInfo.activeProcessorCount) }

    /// Accept threads per process: `--threads`, or the default.
    var threads: Int { threadsOption ?? Self.defaultThreads }

    func validate() throws {
        guard (1...4096).contains(threads) else { throw ValidationError("--threads must be between 1 and 4096") }
        guard (1...(64 << 20)).contains(maxBodySize) else {
            throw ValidationError("--max-body-size must be between 1 and 67108864 (64 MiB)")
        }
        guard backlog > 0 else { throw ValidationError("--backlog must be positive") }
        guard stopTimeout >= 0 else { throw ValidationError("--stop-timeout must not be negative") }
        guard (0...256).contains(workers) else { throw ValidationError("--workers must be between 0 and 256") }
        if let maxRequests {
            guard maxRequests > 0 else { throw ValidationError("--max-requests must be positive") }
            guard workers > 0 || workerSlot != nil else {
                throw ValidationError("--max-requests needs --workers: a retiring worker must have a replacement")
            }
        }
        guard requestTimeout > 0 && requestTimeout <= 86_400 else {
            throw ValidationError("--request-timeout must be between 0 and 86400 seconds")
        }
        guard (slowLog ?? 0) >= 0 else { throw ValidationError("--slow-log must not be negative") }
        if let socketGroup, Listener.groupID(socketGroup) == nil {
            throw ValidationError("--socket-group \(socketGroup): no such group")
        }
        guard ioTimeout > 0 else { throw ValidationError("--io-timeout must be positive") }
        guard parsedSocketMode != nil else { throw ValidationError("--socket-mode must be octal, e.g. 0660") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
        if let listen {
            guard let address = ListenAddress(listen) else {
                throw ValidationError("--listen must be unix:/path or HOST:PORT, not \(listen)")
            }
            if case .tcp(let host, _) = address, !Listener.isLoopback(host), !allowNonLoopback {
                throw ValidationError(
                    "--listen \(listen) is not a loopback address; the FastCGI socket must be reachable by the web "
                        + "server only (use a unix socket, 127.0.0.1, or pass --allow-non-loopback)"
                )
            }
        }
    }

    private var parsedSocketMode: mode_t? {
        guard let mode = mode_t(socketMode, radix: 8), mode <= 0o777 else { return nil }
        return mode
    }

    func run() throws {
        // Before any other thread allocates.
        MallocArenas.limitToCores()
        if let workerSlot {
            try WorkerProcess(command: self, slot: workerSlot).run()
        }
        // A process manager may start us with fd 0, 1 or 2 closed: a socket opened later would then get that number,
        // and log lines would be written into a FastCGI connection. Fill the gaps with /dev/null (fd 0 stays free
        // when it may be the listening socket we are to inherit).
        let address = listen.flatMap(ListenAddress.init) ?? ListenAddress.handedOver()
        for descriptor: Int32 in (address == .inherited ? [1, 2] : [0, 1, 2])
        where (try? Posix.fcntl(descriptor, F_GETFD)) == nil {
            if let null = try? Posix.open("/dev/null", flags: descriptor == 0 ? O_RDONLY : O_WRONLY), null != descriptor
            {
                try? Posix.dup2(null, to: descriptor)
                try? Posix.close(null)
            }
        }
        // Before any thread exists, so that every thread inherits the mask and only the main thread's wait sees the
        // stop signals.
        Signals.prepareServing(supervising: workers > 0)
        let logger = bootstrapLogging(worker: nil)

        let (policy, policyText) = try policyOptions.read()
        let listener: Listener
        do {
            listener = try Listener(
                address: address, backlog: backlog, socketMode: parsedSocketMode ?? 0o660,
                socketGroup: socketGroup.flatMap(Listener.groupID))
        } catch {
            // The command line was fine: the address is taken, or not ours to bind. Exit 1 with the reason, no usage.
            throw CommandFailure(error.description)
        }
        // The environment's socket-activation variables are meant for us alone.
        for name in ["LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"] { Posix.unsetenv(name) }

        if workers > 0 {
            let status = try supervise(listener: listener, policy: policy, policyText: policyText, logger: logger)
            listener.close()
            Foundation.exit(status)
        }

        let scoreboard: Scoreboard
        do {
            scoreboard = try Scoreboard.create(slots: 1)
        } catch {
            listener.close()
            throw CommandFailure(error.description)
        }
        scoreboard.begin(limits: limits, supervisorPID: Posix.getpid())
        let server: FastCGIServer
        let inventoryName: String
        do {
            (server, inventoryName) = try makeServer(
                socket: listener.descriptor, socketIsShared: address.isHandedOver, scoreboard: scoreboard, slot: 0,
                policy: policy, logger: logger)
            try server.start()
        } catch {
            listener.close()
            throw error
        }
        scoreboard.slot(0).markReady(pid: Posix.getpid())
        logger.notice("listening on \(address) with \(threads) threads, \(inventoryName)\(server.runningLimitNote)")
        logPolicy(policy, logger: logger)

        let received = Signals.wait(for: .stop)
        logger.notice("signal \(received) received: stopping, letting requests in flight finish")
        let drained = server.stop(timeout: .seconds(stopTimeout))
        listener.close()
        if drained {
            logger.notice("stopped")
        } else {
            logger.error("stop timeout of \(stopTimeout)s reached with requests still running; exiting")
        }
        Foundation.exit(drained ? 0 : 1)
    }
}
