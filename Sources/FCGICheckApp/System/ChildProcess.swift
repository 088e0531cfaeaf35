import Foundation

/// A program to start as a child process, with everything it inherits from us stated: its descriptors, its signal
/// mask and its environment.
///
/// Both kinds of child this executable starts — its workers (`WorkerSpawner`) and the `ssh` of a collection
/// (`CollectionSession`) — are started here, so that what a child gets is decided in the open where it is described,
/// not by whatever this process happens to hold at that moment: every descriptor of ours is close-on-exec except the
/// ones listed; every signal handler is back at its default (a handler of ours means nothing in a new program, and an
/// ignored SIGPIPE would be inherited); the mask is the one given, not that of the thread that spawns.
struct ChildProcess {
    /// The program: a path, or, with `searchesPath`, a name looked up in `PATH` when it has no slash.
    var executable: String
    /// Whether `executable` is looked up in `PATH` (posix_spawnp).
    var searchesPath = false
    /// Its argv, the program's name first.
    var arguments: [String]
    /// Its whole environment.
    var environment: [String: String]
    /// The descriptors it gets: each `source` of ours as `target` of its, dup2'ed in this order (a later pair may
    /// reuse the number of an earlier one's source, which has been copied by then). A pair whose source is its target
    /// is left out by the caller: dup2 onto itself would not clear close-on-exec.
    var descriptors: [(source: Int32, target: Int32)]
    /// The signals blocked when it starts.
    var blockedSignals: Signals.Set

    /// This process's environment without the socket-activation variables (`LISTEN_FDS`, `LISTEN_PID`,
    /// `LISTEN_FDNAMES`), which were meant for this process alone.
    static var inheritedEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in ["LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"] { environment[name] = nil }
        return environment
    }

    /// One spawn at a time: a spawn takes well under a millisecond, and ThreadSanitizer's handling of the vfork
    /// inside posix_spawn is not safe against other threads spawning at the same moment (collection spawns from many
    /// threads; the supervisor, from one).
    private static let spawnLock = NSLock()

    /// Starts the program.
    /// - Returns: its pid.
    /// - Throws: posix_spawn's failure (the program not found, out of processes).
    func spawn() throws(PosixError) -> pid_t {
        Self.spawnLock.lock()
        defer { Self.spawnLock.unlock() }
        return try Posix.spawn(
            executable: executable, searchingPath: searchesPath, arguments: arguments,
            environment: environment.map { "\($0.key)=\($0.value)" }, descriptors: descriptors,
            signalMask: blockedSignals.raw, defaultSignals: Signals.Set.all.raw)
    }
}
