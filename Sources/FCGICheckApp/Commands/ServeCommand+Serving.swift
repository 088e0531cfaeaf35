import ArgumentParser
import CheckDomain
import CheckService
import Foundation
import Logging

/// How `serve` sets itself up: logging, the inventory, the router and accept threads of a serving process, and the
/// supervisor.
extension ServeCommand {
    /// What `/status` shows as configured: 0 workers when this process serves alone.
    var limits: Scoreboard.Limits {
        .init(
            workers: workers, threadsPerWorker: threads, maximumRequests: maxRequests,
            requestTimeout: requestTimeoutDuration)
    }

    var requestTimeoutDuration: Duration { .microseconds(Int64(requestTimeout * 1_000_000)) }

    /// Sets up swift-log: text lines on standard error, and the JSON access log.
    func bootstrapLogging(worker: Int?) -> Logger {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StderrLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "fcgi-check")
        if let worker { logger[metadataKey: "worker"] = "\(worker)" }
        return logger
    }

    /// The inventory, router and accept threads of one serving process.
    func makeServer(
        socket: Int32, socketIsShared: Bool, scoreboard: Scoreboard, slot: Int, policy: Policy, logger: Logger
    ) throws -> (FastCGIServer, String) {
        let (inventory, inventoryName) = try openInventory(logger: logger)
        let router = Router(policy: policy, logger: logger, status: { [scoreboard] in scoreboard.snapshot() })
        let server = try FastCGIServer(
            socket: socket,
            socketIsShared: socketIsShared,
            configuration: .init(
                threads: threads, maximumBodySize: maxBodySize, ioTimeoutSeconds: ioTimeout,
                requestTimeout: requestTimeoutDuration,
                slowLogThreshold: slowLog.map { .microseconds(Int64($0 * 1_000_000)) },
                maximumRequests: maxRequests, workerName: String(slot),
                runningLimit: runningLimit(for: inventory)),
            router: router,
            inventory: inventory,
            logger: logger,
            accessLog: accessLog ? AccessLog() : nil,
            slot: scoreboard.slot(slot),
            onRetire: { try? Posix.kill(Posix.getpid(), SIGTERM) }
        )
        return (server, inventoryName)
    }

    /// How many of a process's threads take connections at once while none is stuck (`RunningLimit`): the cores,
    /// shared among the workers; nil (every thread) for an inventory whose reads wait on the network.
    func runningLimit(for inventory: any NodeInventory) -> Int? {
        guard !inventory.readsWaitOnTheNetwork else { return nil }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let processes = max(workers, 1)
        return min(threads, max(1, (cores + processes - 1) / processes))
    }

    /// The inventory in force, and how to name it in logs.
    func openInventory(logger: Logger) throws -> (any NodeInventory, String) {
        // At trace level every SQL statement is logged: `bench/run.sh` counts them to show one query a request.
        var onStatement: (@Sendable (String) -> Void)? = nil
        if logger.logLevel <= .trace {
            onStatement = { sql in logger.trace("sql: \(sql)") }
        }
        return (
            try inventorySource.open(statementTimeout: requestTimeoutDuration, onStatement: onStatement),
            inventorySource.name
        )
    }

    /// Logs the policy in force.
    func logPolicy(_ policy: Policy, logger: Logger) {
        logger.notice("policy \(policyOptions.policy ?? "(built-in defaults)"), compat \(policy.compatibility)")
    }

    /// Runs the supervisor until it stops; returns its exit status.
    /// - Parameter policyText: the policy file's text as read at start-up (nil: the built-in defaults), which the
    ///   first generation of workers runs.
    func supervise(listener: borrowing Listener, policy: Policy, policyText: String?, logger: Logger) throws -> Int32 {
        let scoreboard: Scoreboard
        do {
            scoreboard = try Scoreboard.create(slots: 2 * workers + 2)
        } catch {
            throw CommandFailure(error.description)
        }
        // What every worker would open, checked here first: a bad inventory stops start-up with one clear message.
        _ = try openInventory(logger: logger)
        let supervisor = Supervisor(
            listener: listener.descriptor,
            socketIsShared: listener.address.isHandedOver,
            scoreboard: scoreboard,
            configuration: .init(
                limits: limits, stopTimeout: .seconds(stopTimeout),
                workerArguments: Array(CommandLine.arguments.dropFirst()),
                initialPolicy: policyText,
                // A reload's workers open the inventory anew, and run the policy file as it was read here (checked
                // first: a broken file refuses the reload, and the running workers carry on).
                prepareReload: {
                    _ = try openInventory(logger: logger)
                    return try policyOptions.read().text
                }),
            logger: logger)
        let inventoryName = inventorySource.name
        let address = listener.address
        return supervisor.run {
            logger.notice(
                "listening on \(address) with \(workers) workers of \(threads) threads, \(inventoryName)")
            logPolicy(policy, logger: logger)
        }
    }
}
