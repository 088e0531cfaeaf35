/// Where the supervisor's reload (SIGHUP) stands.
///
/// One value rather than separate variables (a "requested" flag, a "wait was logged" flag, the generation being
/// started with its deadline, that generation's policy), so that a combination that means nothing — a policy with no
/// generation starting, a logged wait with no reload asked for — cannot be expressed, and every step of a reload is
/// a change of this one value. There is no draining state: once a new generation serves, the old one's workers are
/// marked retiring one by one and reaped like any other; the reload itself is over.
enum ReloadState {
    /// No reload asked for, or the last one has ended.
    case idle
    /// A SIGHUP came; the new generation waits for enough free scoreboard slots (workers of an earlier generation may
    /// still be finishing their last requests after two reloads in quick succession). `announced`: whether the wait
    /// has been logged, which it is once.
    case waitingForSlots(announced: Bool)
    /// A new generation is starting beside the serving one.
    case starting(Generation)

    /// A generation of workers being started by a reload.
    struct Generation {
        /// Its number (the serving generation's, plus one).
        var number: UInt64
        /// The policy it runs (nil: the built-in defaults), held until it serves or is abandoned.
        var policy: PolicySnapshot?
        /// When it must be ready by, or be abandoned.
        var deadline: ContinuousClock.Instant
        /// Whether another SIGHUP came while it was starting: a new reload then begins once this one has ended.
        var requestedAgain = false
    }

    /// The generation being started, if a reload is under way.
    var starting: Generation? {
        if case .starting(let generation) = self { return generation }
        return nil
    }

    /// A SIGHUP: a reload is wanted (again, if one is already starting; a reload waiting for slots is not asked
    /// for twice).
    mutating func request() {
        switch self {
        case .idle:
            self = .waitingForSlots(announced: false)
        case .waitingForSlots:
            break
        case .starting(var generation):
            generation.requestedAgain = true
            self = .starting(generation)
        }
    }

    /// The wait for free slots goes on.
    /// - Returns: whether to log it: true the first time only.
    mutating func keepWaiting() -> Bool {
        guard case .waitingForSlots(announced: false) = self else { return false }
        self = .waitingForSlots(announced: true)
        return true
    }

    /// The reload that waited for slots begins: `generation` is starting.
    mutating func begin(_ generation: Generation) {
        self = .starting(generation)
    }

    /// The reload is over — complete, refused before it started, or abandoned: idle again, or waiting for slots
    /// when another SIGHUP came meanwhile.
    mutating func end() {
        if let starting, starting.requestedAgain {
            self = .waitingForSlots(announced: false)
        } else {
            self = .idle
        }
    }
}
