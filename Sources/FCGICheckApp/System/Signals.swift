#if canImport(Glibc)
    import Glibc
#endif

/// Which signals each kind of process blocks, ignores, waits for or hands on to its children, in one place.
///
/// How a process stops is decided by its signals, and the decisions depend on each other: a serving process blocks
/// its stop signals in every thread and takes them with `sigwait` on one; a supervisor adds SIGHUP and SIGCHLD; a
/// worker starts with the stop signals blocked (so an early stop waits for it) and leaves SIGINT to its supervisor;
/// libfcgi's initialisation must not take the stop signals over; a collection's `ssh` must start with nothing
/// blocked. Spread over the files that do those things, one change (a signal added to a mask) had to be made in
/// several places that did not name each other. The raw calls are `Posix`'s; this type holds the policy. Their
/// errors are ignored, as they always were: they fail only for a signal number out of range, or for SIGKILL and
/// SIGSTOP, none of which is passed.
enum Signals {
    /// A set of signals, as `sigprocmask` and `posix_spawn` take it.
    struct Set {
        /// The C set.
        private(set) var raw = sigset_t()

        /// A set of exactly `signals`.
        init(_ signals: [Int32]) {
            sigemptyset(&raw)
            for signal in signals { sigaddset(&raw, signal) }
        }

        /// Every signal.
        static var all: Set {
            var set = Set([])
            sigfillset(&set.raw)
            return set
        }

        /// No signal.
        static var empty: Set { Set([]) }

        /// What stops a process serving alone, taken with `sigwait`: SIGTERM, SIGINT, SIGQUIT.
        static var stop: Set { Set([SIGTERM, SIGINT, SIGQUIT]) }

        /// What the supervisor waits for: the stop signals, SIGHUP (reload) and SIGCHLD (a worker ended).
        static var supervisor: Set { Set([SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGCHLD]) }

        /// What a worker starts with blocked, so that a stop sent before it has set itself up (an abandoned reload,
        /// a quick SIGTERM) waits for it instead of killing it outright.
        static var workerStart: Set { Set([SIGTERM, SIGQUIT, SIGINT, SIGHUP]) }

        /// What stops a worker (the supervisor's way of retiring it): SIGTERM and SIGQUIT. SIGINT and SIGHUP are the
        /// supervisor's business: Ctrl-C at a terminal reaches the whole process group, and the supervisor then
        /// stops the workers in order.
        static var workerStop: Set { Set([SIGTERM, SIGQUIT]) }
    }

    /// Sets up `serve` (alone, or as the supervisor) before any thread exists, so every thread inherits the mask and
    /// only the main thread's wait sees the signals.
    ///
    /// It blocks exactly the stop signals (and, for a supervisor, SIGHUP and SIGCHLD), with their handlers at the
    /// default. SETMASK, not BLOCK: a process manager (or a test runner) may start us with other signals blocked,
    /// which our threads must not inherit (SIGSEGV and the like must still reach their default action).
    static func prepareServing(supervising: Bool) {
        for waited in [SIGTERM, SIGINT, SIGQUIT, SIGHUP] { try? Posix.signal(waited, SIG_DFL) }
        block(exactly: supervising ? .supervisor : .stop)
    }

    /// Sets up a worker, before any thread exists: SIGTERM and SIGQUIT (`Set.workerStop`) at their defaults and
    /// blocked, taken with `wait(for:timeout:)`; SIGINT and SIGHUP ignored.
    static func prepareWorker() {
        for stopSignal in [SIGTERM, SIGQUIT] { try? Posix.signal(stopSignal, SIG_DFL) }
        try? Posix.signal(SIGINT, SIG_IGN)
        try? Posix.signal(SIGHUP, SIG_IGN)
        block(exactly: .workerStop)
    }

    /// Makes a write to a peer that has gone (a closed pipe, a vanished client) fail with `EPIPE` instead of ending
    /// this process.
    static func ignoreBrokenPipes() {
        try? Posix.signal(SIGPIPE, SIG_IGN)
    }

    /// Runs libfcgi's `FCGX_Init` (`initialize`) so that it takes no signal over that matters.
    ///
    /// `FCGX_Init` installs its own handlers for SIGPIPE, SIGUSR1 and SIGTERM when they are at their defaults; they
    /// set libfcgi's global shutdown flag, which makes every later read and write of every request fail. SIGPIPE and
    /// SIGUSR1 are set to "ignore" first (a vanished client then shows up as EPIPE on write, a stray SIGUSR1 is
    /// harmless), and the stop signals get back exactly the disposition they had: a serving process blocks them and
    /// takes them with `sigwait`, a worker ignores SIGINT (a Ctrl-C reaches the whole process group, and only the
    /// supervisor may act on it).
    static func keepingStopDispositions<Failure: Error>(
        _ initialize: () throws(Failure) -> Void
    ) throws(Failure) {
        ignoreBrokenPipes()
        try? Posix.signal(SIGUSR1, SIG_IGN)
        let stopSignals = [SIGTERM, SIGINT, SIGQUIT]
        var saved: [(Int32, sigaction)] = []
        for stopSignal in stopSignals {
            saved.append((stopSignal, (try? Posix.signalAction(stopSignal, new: nil)) ?? sigaction()))
        }
        try initialize()
        for (stopSignal, disposition) in saved { _ = try? Posix.signalAction(stopSignal, new: disposition) }
    }

    /// Blocks exactly `set` in the calling thread (threads it creates later inherit the mask).
    static func block(exactly set: Set) {
        try? Posix.pthreadSigmask(how: SIG_SETMASK, set: set.raw)
    }

    /// Waits for one of `set`, which must be blocked in every thread, and returns it.
    static func wait(for set: Set) -> Int32 {
        (try? Posix.sigwait(set.raw)) ?? 0
    }

    /// Waits up to `timeout` for one of `set`, which must be blocked in every thread.
    /// - Returns: the signal, or nil when none came in time (or the wait was interrupted).
    static func wait(for set: Set, timeout: Duration) -> Int32? {
        let (seconds, attoseconds) = timeout.components
        let time = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        return try? Posix.sigtimedwait(set.raw, timeout: time)
    }
}
