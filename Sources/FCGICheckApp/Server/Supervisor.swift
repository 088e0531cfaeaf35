import Foundation
import Logging

/// Holds the listening socket and keeps `workers` worker processes serving on it, as PHP-FPM's master does.
///
/// Workers are fresh processes (`posix_spawn` of this same executable with `serve … --worker-slot N`), never forks of
/// a process that has threads. Each gets the listening socket on fd 0, the scoreboard on fd 3 and its generation's
/// policy on fd 4 (`PolicySnapshot`). The supervisor has one thread, which waits for signals with `sigtimedwait` and
/// does everything else between them:
/// - a worker that exits or is killed is replaced; one that keeps dying soon after it started is restarted after a
///   growing pause (up to 30 s) and reported, not in a tight loop;
/// - SIGHUP reads the policy file anew and starts a new generation of workers with it (they open the inventory anew
///   too), and retires the old one only when every new worker is ready; the listening socket stays open throughout;
/// - SIGTERM, SIGINT or SIGQUIT shuts the socket down (on a unix socket the connections already queued are still
///   answered), lets every worker finish, and exits 0, or 1 when `stopTimeout` ran out first.
///
/// It keeps the table of running workers and composes the rest: `WorkerSpawner` starts a worker, `CrashLoopPacer`
/// says when a replacement may start, `ReloadState` is where a reload stands.
final class Supervisor {
    /// What the supervisor runs.
    struct Configuration {
        /// Workers, threads, --max-requests and --request-timeout, as `/status` shows them.
        var limits: Scoreboard.Limits
        var stopTimeout: Duration
        /// The arguments of `serve` to start each worker with (without the executable).
        var workerArguments: [String]
        /// The policy text the first generation runs (nil: the built-in defaults), as checked at start-up.
        var initialPolicy: String?
        /// Checks what a reload's generation of workers will open (the inventory) and reads the policy file it is to
        /// run with, before any of its workers is started; nil when there is no policy file (the built-in defaults).
        var prepareReload: () throws -> String?
    }

    private struct Worker {
        let pid: pid_t
        let slot: Int
        let generation: UInt64
        let started: ContinuousClock.Instant
        var retiring = false
    }

    private let listener: Int32
    private let socketIsShared: Bool
    private let scoreboard: Scoreboard
    private let configuration: Configuration
    private let spawner: WorkerSpawner
    private let logger: Logger
    private var workers: [pid_t: Worker] = [:]
    /// The generation serving now; a reload starts the next one beside it.
    private var generation: UInt64 = 1
    /// The policy of the serving generation (a reload's generation holds its own in `reload`).
    private var policy: PolicySnapshot?
    private var pacer = CrashLoopPacer()
    private var reload = ReloadState.idle

    /// Creates a supervisor over an open listening socket.
    /// - Parameter socketIsShared: true for a socket inherited from systemd or spawn-fcgi: it is never shut down, so
    ///   that connections arriving during a restart wait in its queue for the next instance.
    init(listener: Int32, socketIsShared: Bool, scoreboard: Scoreboard, configuration: Configuration, logger: Logger) {
        self.listener = listener
        self.socketIsShared = socketIsShared
        self.scoreboard = scoreboard
        self.configuration = configuration
        self.logger = logger
        spawner = WorkerSpawner(
            listener: listener, scoreboard: scoreboard.descriptor, arguments: configuration.workerArguments)
    }

    /// Starts the first workers and supervises them until a stop signal. `Signals.Set.supervisor` must be blocked in
    /// every thread (`Signals.prepareServing(supervising: true)`).
    /// - Returns: the exit status: 0 after a clean stop, 1 when workers had to be killed or never became ready.
    func run(onReady: () -> Void) -> Int32 {
        scoreboard.begin(limits: configuration.limits, supervisorPID: Posix.getpid())
        do {
            policy = try configuration.initialPolicy.map(PolicySnapshot.init)
        } catch {
            logger.critical("cannot start the workers: \(error)")
            return stopAll(exitStatus: 1)
        }
        for _ in 0..<configuration.limits.workers {
            guard startWorker(generation: generation) else { return stopAll(exitStatus: 1) }
        }
        // The first generation must come up: a worker that cannot start (bad inventory, bad policy) is a
        // start-up failure to report, not something to retry forever.
        let readyBy = ContinuousClock.now + .seconds(30)
        while !generationIsReady(generation) {
            if let (worker, status) = reapOne() {
                logger.critical("worker \(worker.slot) (pid \(worker.pid)) \(Self.describe(status)) while starting")
                return stopAll(exitStatus: 1)
            }
            if ContinuousClock.now > readyBy {
                logger.critical("workers did not become ready within 30 s")
                return stopAll(exitStatus: 1)
            }
            Posix.usleep(5_000)
        }
        onReady()

        while true {
            switch Signals.wait(for: .supervisor, timeout: .milliseconds(100)) {
            case let received? where [SIGTERM, SIGINT, SIGQUIT].contains(received):
                logger.notice("signal \(received) received: stopping, letting requests in flight finish")
                return stopAll(exitStatus: 0)
            case SIGHUP?:
                logger.notice("SIGHUP received: reloading")
                reload.request()
            default:
                break
            }
            reapAll()
            replaceMissingWorkers()
            advanceReload()
        }
    }

    // MARK: Workers

    /// Starts one worker of `generation` in a free slot.
    @discardableResult
    private func startWorker(generation: UInt64) -> Bool {
        guard let slotIndex = scoreboard.emptySlot() else {
            logger.error("no free scoreboard slot for a new worker; will retry")
            return false
        }
        let slot = scoreboard.slot(slotIndex)
        slot.claim(generation: generation)
        let generationPolicy: PolicySnapshot?
        if let starting = reload.starting, starting.number == generation {
            generationPolicy = starting.policy
        } else {
            generationPolicy = policy
        }
        let pid: pid_t
        do {
            pid = try spawner.spawn(slot: slotIndex, policy: generationPolicy)
        } catch {
            logger.error("cannot start a worker: \(error.message)")
            slot.release()
            return false
        }
        workers[pid] = Worker(pid: pid, slot: slotIndex, generation: generation, started: .now)
        logger.info("worker \(slotIndex) started (pid \(pid), generation \(generation))")
        return true
    }

    private func generationIsReady(_ generation: UInt64) -> Bool {
        let members = workers.values.filter { $0.generation == generation }
        return members.count == configuration.limits.workers
            && members.allSatisfy { scoreboard.slot($0.slot).state == .ready }
    }

    /// Reaps one exited worker, if any.
    private func reapOne() -> (Worker, Int32)? {
        guard let (pid, status) = try? Posix.waitpid(-1, options: WNOHANG), pid > 0 else { return nil }
        guard let worker = workers.removeValue(forKey: pid) else { return reapOne() }
        scoreboard.slot(worker.slot).release()
        return (worker, status)
    }

    /// Reaps every exited worker; an unexpected exit of a serving worker is counted and paces its replacement.
    private func reapAll() {
        while let (worker, status) = reapOne() {
            if worker.retiring {
                logger.info("worker \(worker.slot) (pid \(worker.pid)) of generation \(worker.generation) retired")
                continue
            }
            if let starting = reload.starting, worker.generation == starting.number {
                logger.error("reload failed: new worker \(worker.slot) \(Self.describe(status)) before it was ready")
                abandonReload()
                continue
            }
            scoreboard.countRestart()
            let lived = ContinuousClock.now - worker.started
            if status == 0 {
                // Retired after --max-requests, or asked to stop by someone else: replaced at once. It says nothing
                // of another slot's crash loop, whose count stands until every worker serves again.
                logger.info("worker \(worker.slot) (pid \(worker.pid)) exited after \(lived.secondsText); replacing it")
                continue
            }
            let pause = pacer.workerDied(after: lived)
            scoreboard.setQuickDeaths(pacer.quickDeaths)
            let what = "worker \(worker.slot) (pid \(worker.pid)) \(Self.describe(status)) after \(lived.secondsText)"
            if pause == .zero {
                logger.error("\(what); replacing it")
            } else {
                logger.critical(
                    "\(what): \(pacer.quickDeaths) quick deaths in a row, next start in \(pause.secondsText)")
            }
        }
    }

    /// Tops the serving generation up to `workers` (not during a reload: the new generation is on its way).
    private func replaceMissingWorkers() {
        noticeRecovery()
        guard reload.starting == nil, pacer.mayStart() else { return }
        let serving = workers.values.filter { $0.generation == generation && !$0.retiring }.count
        for _ in serving..<max(serving, configuration.limits.workers) {
            guard startWorker(generation: generation) else {
                pacer.startFailed()
                return
            }
        }
    }

    /// Ends a run of quick deaths once every serving worker is ready and has outlived the quick-death limit: the
    /// crash loop is over (the inventory was fixed, say), and the next death is paced from the start again.
    private func noticeRecovery() {
        guard pacer.quickDeaths > 0 else { return }
        let serving = workers.values.filter { $0.generation == generation && !$0.retiring }
        guard serving.count == configuration.limits.workers,
            serving.allSatisfy({
                pacer.hasOutlivedQuickDeath(startedAt: $0.started) && scoreboard.slot($0.slot).state == .ready
            })
        else { return }
        // The scoreboard first, as everywhere: whoever reads the log line finds /status agreeing.
        scoreboard.setQuickDeaths(0)
        let quickDeaths = pacer.endCrashLoop()
        logger.notice("workers start and serve normally again after \(quickDeaths) quick deaths in a row")
    }

    // MARK: Reload

    /// Takes the reload one step further, if one is under way: waits for free slots, then prepares and starts the new
    /// generation, then retires the old one once every new worker is ready (or abandons the new one).
    private func advanceReload() {
        switch reload {
        case .idle:
            return
        case .waitingForSlots:
            // Workers of earlier generations may still be finishing their last requests and hold their slots (two
            // reloads in quick succession): the new generation waits for room rather than failing.
            let free = scoreboard.emptySlotCount
            guard free >= configuration.limits.workers else {
                if reload.keepWaiting() {
                    logger.notice("reload waits for retiring workers to finish (\(free) free slots)")
                }
                return
            }
            let policy: PolicySnapshot?
            do {
                policy = try configuration.prepareReload().map(PolicySnapshot.init)
            } catch {
                reload.end()
                logger.error("reload refused, the running workers carry on: \(error)")
                return
            }
            let next = generation + 1
            reload.begin(.init(number: next, policy: policy, deadline: .now + .seconds(30)))
            for _ in 0..<configuration.limits.workers {
                guard startWorker(generation: next) else {
                    logger.error("reload failed: cannot start the new workers; the running workers carry on")
                    abandonReload()
                    return
                }
            }
        case .starting(let starting):
            if generationIsReady(starting.number) {
                for (pid, worker) in workers where worker.generation < starting.number {
                    workers[pid]!.retiring = true
                    scoreboard.slot(worker.slot).markStopping()
                    try? Posix.kill(pid, SIGTERM)
                }
                generation = starting.number
                policy = starting.policy
                reload.end()
                scoreboard.countReload()
                logger.notice(
                    "reload complete: generation \(starting.number) is serving, the previous one is finishing")
            } else if ContinuousClock.now > starting.deadline {
                logger.error("reload failed: the new workers were not ready within 30 s; the running workers carry on")
                abandonReload()
            }
        }
    }

    /// Stops the half-started new generation and goes on with the serving one.
    private func abandonReload() {
        guard let starting = reload.starting else { return }
        for (pid, worker) in workers where worker.generation == starting.number {
            workers[pid]!.retiring = true
            try? Posix.kill(pid, SIGTERM)
        }
        reload.end()
    }

    // MARK: Stop

    /// Stops every worker: shuts our own socket down first so that they answer what is queued and nothing more.
    private func stopAll(exitStatus: Int32) -> Int32 {
        var exitStatus = exitStatus
        if !socketIsShared { try? Posix.shutdown(listener, how: Int32(SHUT_RDWR)) }
        for pid in workers.keys {
            workers[pid]!.retiring = true
            try? Posix.kill(pid, SIGTERM)
        }
        let deadline = ContinuousClock.now + configuration.stopTimeout + .seconds(2)
        while !workers.isEmpty && ContinuousClock.now < deadline {
            guard let (worker, status) = reapOne() else {
                Posix.usleep(10_000)
                continue
            }
            // A worker that could not finish its requests within the stop timeout makes the whole stop unclean.
            if status != 0 {
                logger.error("worker \(worker.slot) (pid \(worker.pid)) \(Self.describe(status)) while stopping")
                exitStatus = 1
            }
        }
        guard workers.isEmpty else {
            logger.error("stop timeout reached with \(workers.count) workers still running; killing them")
            for (pid, worker) in workers {
                try? Posix.kill(pid, SIGKILL)
                _ = try? Posix.waitpid(pid, options: 0)
                scoreboard.slot(worker.slot).release()
            }
            workers.removeAll()
            return 1
        }
        if exitStatus == 0 { logger.notice("stopped") }
        return exitStatus
    }

    /// "exited with status 1", "was killed by signal 9".
    private static func describe(_ status: Int32) -> String {
        let signal = status & 0x7f
        if signal == 0 { return "exited with status \((status >> 8) & 0xff)" }
        return "was killed by signal \(signal)"
    }
}

extension Duration {
    /// "1.25 s".
    fileprivate var secondsText: String { "\((seconds * 100).rounded() / 100) s" }
}
