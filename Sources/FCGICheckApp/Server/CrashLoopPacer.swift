/// When the supervisor may start the next replacement for workers that keep dying soon after they start.
///
/// A worker that cannot run (a broken inventory, say) would otherwise be replaced in a tight loop that burns a core
/// and floods the log; paced, it is restarted after a growing pause and the loop is reported, and once the cause is
/// fixed the count starts from zero again. It is kept apart from the supervisor's bookkeeping so that the pacing
/// rule can be read, and tested, on its own.
struct CrashLoopPacer {
    /// A worker that dies sooner than this after it started counts as a quick death.
    static let quickDeathLimit = Duration.seconds(2)

    /// How many workers in a row died soon after they started (0 outside a crash loop).
    private(set) var quickDeaths = 0
    /// No replacement starts before this.
    private(set) var nextStart: ContinuousClock.Instant

    /// A pacer with no death counted: replacements may start at once.
    init(now: ContinuousClock.Instant = .now) {
        nextStart = now
    }

    /// Counts a worker that died (not one that exited cleanly) after living for `lived`: a quick death adds to the
    /// run, a longer life ends it.
    /// - Returns: the pause before the next start: none after the first quick death, then 0.1 s, 0.2 s, 0.4 s, ... up
    ///   to 30 s.
    mutating func workerDied(after lived: Duration, now: ContinuousClock.Instant = .now) -> Duration {
        quickDeaths = lived < Self.quickDeathLimit ? quickDeaths + 1 : 0
        let pause: Duration = quickDeaths <= 1 ? .zero : .milliseconds(min(30_000, 100 << min(quickDeaths - 2, 9)))
        nextStart = now + pause
        return pause
    }

    /// Whether a replacement may start now.
    func mayStart(now: ContinuousClock.Instant = .now) -> Bool {
        now >= nextStart
    }

    /// Holds replacements back for a second after one could not be started at all (no free slot, posix_spawn
    /// failed), rather than trying again at every turn of the supervisor's loop.
    mutating func startFailed(now: ContinuousClock.Instant = .now) {
        nextStart = now + .seconds(1)
    }

    /// Whether a worker started at `started` has lived past the quick-death limit.
    func hasOutlivedQuickDeath(startedAt started: ContinuousClock.Instant, now: ContinuousClock.Instant = .now) -> Bool
    {
        now - started >= Self.quickDeathLimit
    }

    /// Ends a run of quick deaths: the crash loop is over, and the next death is paced from the start again.
    /// - Returns: how many quick deaths the run had.
    mutating func endCrashLoop() -> Int {
        defer { quickDeaths = 0 }
        return quickDeaths
    }
}
