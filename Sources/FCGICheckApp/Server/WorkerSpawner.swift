#if canImport(Glibc)
    import Glibc
#endif

/// Starts the supervisor's worker processes: this same executable, `serve … --worker-slot N`, given the listening
/// socket, the scoreboard and its generation's policy on the descriptors where `WorkerProcess` looks for them.
///
/// What a worker inherits is the contract between `Supervisor` and `WorkerProcess`; here it is stated once, apart
/// from the supervisor's bookkeeping of which workers run and why they are started.
struct WorkerSpawner {
    /// The listening socket every worker accepts on.
    let listener: Int32
    /// The scoreboard's descriptor.
    let scoreboard: Int32
    /// The arguments of `serve` to start each worker with (without the executable).
    let arguments: [String]

    /// Starts a worker for scoreboard slot `slot`, running `policy` (nil: the built-in defaults).
    /// - Returns: its pid.
    func spawn(slot: Int, policy: PolicySnapshot?) throws(PosixError) -> pid_t {
        // Listening socket on fd 0 (the FastCGI convention), scoreboard on fd 3, policy on fd 4; stdout and stderr
        // are shared. dup2 onto another number clears close-on-exec; fd 0 inherited from our own parent never had it.
        var descriptors: [(source: Int32, target: Int32)] = []
        if listener != WorkerDescriptors.listener { descriptors.append((listener, WorkerDescriptors.listener)) }
        descriptors.append((scoreboard, WorkerDescriptors.scoreboard))
        if let policy { descriptors.append((policy.descriptor, WorkerDescriptors.policy)) }
        // It checks that it was started by its parent, which holds its scoreboard.
        var environment = ChildProcess.inheritedEnvironment
        environment["FCGI_CHECK_SUPERVISOR_PID"] = String(Posix.getpid())
        let child = ChildProcess(
            executable: "/proc/self/exe",
            arguments: [CommandLine.arguments.first ?? "fcgi-check"] + arguments + ["--worker-slot", String(slot)],
            environment: environment,
            descriptors: descriptors,
            // Every handler at its default and the signals it cares about blocked, until it has set itself up.
            blockedSignals: .workerStart)
        return try child.spawn()
    }
}
