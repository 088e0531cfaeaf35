import CheckDomain
import Foundation
import Logging

/// `serve --worker-slot N`: one worker process under a `Supervisor`, serving on the socket it inherited on fd 0,
/// counting into the scoreboard on fd 3, under the policy on fd 4.
struct WorkerProcess {
    let command: ServeCommand
    let slot: Int

    func run() throws -> Never {
        // SIGTERM and SIGQUIT stop this worker (the supervisor's way of retiring it); SIGINT and SIGHUP are the
        // supervisor's business.
        Signals.prepareWorker()
        let logger = command.bootstrapLogging(worker: slot)
        let supervisorPID = ProcessInfo.processInfo.environment["FCGI_CHECK_SUPERVISOR_PID"].flatMap(Int32.init)
        guard let supervisorPID, Posix.getppid() == supervisorPID else {
            throw CommandFailure("--worker-slot is for workers started by `fcgi-check serve --workers N`")
        }
        let scoreboard = try Scoreboard.attach(descriptor: WorkerDescriptors.scoreboard)
        guard slot >= 0 && slot < scoreboard.slotCount else {
            throw CommandFailure("--worker-slot \(slot) is not a slot of the scoreboard")
        }
        // The policy as the supervisor read it for this generation, not the file as it may be now.
        var policy = Policy()
        if let path = command.policyOptions.policy {
            policy = try Policy.parse(PolicySnapshot.read(), file: path)
            try? Posix.close(WorkerDescriptors.policy)
        }
        let (server, _) = try command.makeServer(
            socket: 0, socketIsShared: true, scoreboard: scoreboard, slot: slot, policy: policy, logger: logger)
        try server.start()
        scoreboard.slot(slot).markReady(pid: Posix.getpid())

        // Wait for a stop signal; also notice a supervisor that died without stopping us (kill -9), whose
        // replacement will start its own workers.
        var received: Int32?
        while received == nil {
            received = Signals.wait(for: .workerStop, timeout: .seconds(1))
            if received == nil && Posix.getppid() != supervisorPID {
                logger.error("the supervisor (pid \(supervisorPID)) is gone: stopping")
                break
            }
        }
        scoreboard.slot(slot).markStopping()
        let drained = server.stop(timeout: .seconds(command.stopTimeout))
        if !drained {
            logger.error("stop timeout of \(command.stopTimeout)s reached with requests still running; exiting")
        }
        Foundation.exit(drained ? 0 : 1)
    }
}
