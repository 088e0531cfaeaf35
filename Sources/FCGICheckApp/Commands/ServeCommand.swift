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

    @Flag(help: "Use the built-in demo inventory (nodes 1, 2 and 3 of the reference service).")
    var demo = false

    @OptionGroup var inventoryOptions: InventoryOptions

    @OptionGroup var policyOptions: PolicyOptions

    @Option(help: "Accept threads: the most requests answered at once.")
    var threads: Int = ServeCommand.defaultThreads

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

    @Option(help: "Seconds to let requests in flight finish after SIGTERM, SIGINT or SIGQUIT.")
    var stopTimeout: Int = 10

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    static var defaultThreads: Int { max(8, 4 * ProcessInfo.processInfo.activeProcessorCount) }

    func validate() throws {
        if demo && inventoryOptions.inventory != nil {
            throw ValidationError("--demo and --inventory exclude each other")
        }
        guard (1...4096).contains(threads) else { throw ValidationError("--threads must be between 1 and 4096") }
        guard (1...(64 << 20)).contains(maxBodySize) else {
            throw ValidationError("--max-body-size must be between 1 and 67108864 (64 MiB)")
        }
        guard backlog > 0 else { throw ValidationError("--backlog must be positive") }
        guard stopTimeout >= 0 else { throw ValidationError("--stop-timeout must not be negative") }
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
        // A process manager may start us with fd 0, 1 or 2 closed: a socket opened later would then get that number,
        // and log lines would be written into a FastCGI connection. Fill the gaps with /dev/null (fd 0 stays free
        // when it is the listening socket we are to inherit).
        for descriptor: Int32 in (listen == nil ? [1, 2] : [0, 1, 2]) where fcntl(descriptor, F_GETFD) == -1 {
            let null = open("/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY)
            if null != descriptor && null >= 0 {
                dup2(null, descriptor)
                close(null)
            }
        }
        // Block exactly the stop signals before any thread exists, so every thread inherits the mask and only
        // sigwait() below sees them. SETMASK, not BLOCK: a process manager (or a test runner) may start us with other
        // signals blocked or ignored, and the accept threads need SIGUSR2 to be deliverable for a stop to reach them.
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        for stopSignal in [SIGTERM, SIGINT, SIGQUIT] {
            signal(stopSignal, SIG_DFL)
            sigaddset(&stopSignals, stopSignal)
        }
        pthread_sigmask(SIG_SETMASK, &stopSignals, nil)

        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StderrLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "fcgi-check")
        let policy = try policyOptions.load()

        let inventory: any NodeInventory
        let inventoryName: String
        if demo {
            inventory = DemoInventory()
            inventoryName = "the demo inventory"
        } else {
            // At trace level every SQL statement is logged: `bench/run.sh` counts them to show one query a request.
            let statementLogger = logger
            var onStatement: (@Sendable (String) -> Void)? = nil
            if level <= .trace {
                onStatement = { sql in statementLogger.trace("sql: \(sql)") }
            }
            inventory = try inventoryOptions.open(.existing, onStatement: onStatement)
            inventoryName = "inventory \(inventoryOptions.path)"
        }
        let address = listen.flatMap(ListenAddress.init) ?? .inherited
        let listener: Listener
        do {
            listener = try Listener(address: address, backlog: backlog, socketMode: parsedSocketMode ?? 0o660)
        } catch {
            throw ValidationError(error.description)
        }
        let router = Router(
            clusterCheck: ClusterCheck(registry: policy.registry(), inventory: inventory), policy: policy,
            logger: logger)
        let server = FastCGIServer(
            socket: listener.descriptor,
            socketIsShared: address == .inherited,
            configuration: .init(threads: threads, maximumBodySize: maxBodySize, ioTimeoutSeconds: ioTimeout),
            router: router,
            logger: logger
        )
        do {
            try server.start()
        } catch {
            listener.close()
            throw ValidationError("cannot start FastCGI: \(error)")
        }
        logger.notice("listening on \(address) with \(threads) threads, \(inventoryName)")
        logger.notice("policy \(policyOptions.policy ?? "(built-in defaults)"), compat \(policy.compatibility)")

        var received: Int32 = 0
        sigwait(&stopSignals, &received)
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
