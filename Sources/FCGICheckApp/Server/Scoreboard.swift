import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The counters of a supervisor and its workers, in one block of memory they all map (as PHP-FPM's scoreboard).
///
/// The supervisor creates it before the first worker and passes its file descriptor on; each worker updates its own
/// slot with atomic operations, and whichever worker answers `GET /status` reads every slot. Counters belong to the
/// slot, not to the process in it: a replacement worker goes on counting where the one it replaced stopped, so the
/// totals never go backwards and need no hand-over when a worker dies. Gauges (busy and idle threads) belong to the
/// process and are cleared by the supervisor when it reaps one.
final class Scoreboard: @unchecked Sendable {
    // @unchecked: the only stored state is the mapping's address and size, never changed after init; every word in
    // the mapping is read and written through `Atomic`, which is safe across threads and processes alike.

    /// What a slot's process is doing.
    enum SlotState: UInt64, Sendable {
        case empty = 0
        case starting = 1
        case ready = 2
        case stopping = 3

        var name: String {
            switch self {
            case .empty: "empty"
            case .starting: "starting"
            case .ready: "ready"
            case .stopping: "stopping"
            }
        }
    }

    /// The statuses counted one by one; anything else is counted as `other`.
    static let countedStatuses = [200, 400, 404, 405, 413, 422, 500, 503, 504]
    /// Upper bounds of the request duration histogram's buckets, in seconds; the last bucket is unbounded.
    static let durationBounds: [Double] = [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]

    private enum Header: Int {
        case magic, startedAtMilliseconds, workers, threadsPerWorker, maximumRequests, requestTimeoutMilliseconds
        case restarts, reloads, slotCount, supervisorPID, quickDeaths
    }
    private static let headerWords = 16
    private static let magic: UInt64 = 0x6663_6769_6368_6b31  // "fcgichk1"

    /// A slot's words: identity and gauges, then counters, then one word per counted status (and `other`), then one
    /// per duration bucket.
    enum Field: Int {
        case pid, state, generation, startedAtMilliseconds, busyThreads, idleThreads, processRequests
        case accepted, saturated, slow, timedOut, durationMicroseconds, bytesIn, bytesOut
        static let statusBase = 14
    }
    private static var bucketBase: Int { Field.statusBase + countedStatuses.count + 1 }
    private static let slotWords = 48

    /// The descriptor a worker maps the scoreboard from.
    let descriptor: Int32
    /// How many worker slots there are.
    let slotCount: Int
    private let words: UnsafeMutablePointer<Atomic<UInt64>>
    private let byteCount: Int

    /// Why a scoreboard could not be made or mapped.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Creates a zeroed scoreboard with room for `slots` workers, in an unnamed in-memory file (close-on-exec: a
    /// worker gets it on fd 3 through posix_spawn's dup2, and no second copy).
    static func create(slots: Int) throws(Failure) -> Scoreboard {
        let descriptor: Int32
        do {
            descriptor = try WorkerDescriptors.movedAside(Posix.memfdCreate(name: "fcgi-check-scoreboard"))
        } catch {
            throw Failure(description: "cannot create the scoreboard: \(error.message)")
        }
        let byteCount = (headerWords + slots * slotWords) * 8
        do {
            try Posix.ftruncate(descriptor, length: byteCount)
        } catch {
            try? Posix.close(descriptor)
            throw Failure(description: "cannot size the scoreboard: \(error.message)")
        }
        let scoreboard = try Scoreboard(descriptor: descriptor, byteCount: byteCount, slots: slots)
        scoreboard.store(.magic, magic)
        scoreboard.store(.slotCount, UInt64(slots))
        return scoreboard
    }

    /// Maps the scoreboard a supervisor passed on `descriptor`.
    static func attach(descriptor: Int32) throws(Failure) -> Scoreboard {
        guard let status = try? Posix.fstat(descriptor), status.st_size >= headerWords * 8 else {
            throw Failure(description: "fd \(descriptor) is not a scoreboard")
        }
        let byteCount = Int(status.st_size)
        let slots = (byteCount / 8 - headerWords) / slotWords
        let scoreboard = try Scoreboard(descriptor: descriptor, byteCount: byteCount, slots: slots)
        guard scoreboard.load(.magic) == magic, scoreboard.load(.slotCount) == UInt64(slots) else {
            throw Failure(description: "fd \(descriptor) is not a scoreboard")
        }
        return scoreboard
    }

    private init(descriptor: Int32, byteCount: Int, slots: Int) throws(Failure) {
        let mapping: UnsafeMutableRawPointer
        do {
            mapping = try Posix.mmap(
                length: byteCount, protection: PROT_READ | PROT_WRITE, flags: MAP_SHARED, descriptor: descriptor)
        } catch {
            throw Failure(description: "cannot map the scoreboard: \(error.message)")
        }
        self.descriptor = descriptor
        self.byteCount = byteCount
        self.slotCount = slots
        words = mapping.bindMemory(to: Atomic<UInt64>.self, capacity: byteCount / 8)
    }

    deinit {
        try? Posix.munmap(UnsafeMutableRawPointer(words), length: byteCount)
    }

    private func load(_ field: Header) -> UInt64 { words[field.rawValue].load(ordering: .relaxed) }
    private func store(_ field: Header, _ value: UInt64) { words[field.rawValue].store(value, ordering: .relaxed) }

    // MARK: Supervisor's fields

    /// What the supervisor was configured with, shown by `/status`.
    struct Limits: Sendable, Equatable {
        var workers: Int
        var threadsPerWorker: Int
        var maximumRequests: Int?
        var requestTimeout: Duration
    }

    /// Records the configuration and start of a supervisor (or of a single process serving alone).
    func begin(limits: Limits, supervisorPID: pid_t) {
        store(.startedAtMilliseconds, Self.nowMilliseconds())
        store(.supervisorPID, UInt64(supervisorPID))
        configure(limits)
    }

    /// Records a new configuration (after a reload).
    func configure(_ limits: Limits) {
        store(.workers, UInt64(limits.workers))
        store(.threadsPerWorker, UInt64(limits.threadsPerWorker))
        store(.maximumRequests, UInt64(limits.maximumRequests ?? 0))
        store(.requestTimeoutMilliseconds, UInt64(limits.requestTimeout.milliseconds))
    }

    /// Counts a worker replaced after it exited or was killed.
    func countRestart() { words[Header.restarts.rawValue].wrappingAdd(1, ordering: .relaxed) }
    /// Counts a completed reload.
    func countReload() { words[Header.reloads.rawValue].wrappingAdd(1, ordering: .relaxed) }
    /// Records how many workers in a row died soon after they started (0 once workers start normally again).
    func setQuickDeaths(_ count: Int) { store(.quickDeaths, UInt64(max(0, count))) }

    /// The slot numbered `index`.
    func slot(_ index: Int) -> Slot {
        precondition(index >= 0 && index < slotCount, "slot \(index) out of \(slotCount)")
        return Slot(words: words + Self.headerWords + index * Self.slotWords)
    }

    /// How many slots are free.
    var emptySlotCount: Int {
        (0..<slotCount).count { slot($0).state == .empty }
    }

    /// A slot free for a new worker: empty, and not the slot of a process still alive.
    func emptySlot() -> Int? {
        (0..<slotCount).first { slot($0).state == .empty }
    }

    // MARK: A worker's slot

    /// One worker's words.
    struct Slot: @unchecked Sendable {
        // @unchecked: a pointer into the shared mapping, which outlives every Slot; all access is atomic.
        fileprivate let words: UnsafeMutablePointer<Atomic<UInt64>>

        func load(_ field: Field) -> UInt64 { words[field.rawValue].load(ordering: .relaxed) }
        func store(_ field: Field, _ value: UInt64) { words[field.rawValue].store(value, ordering: .relaxed) }
        func add(_ field: Field, _ value: UInt64 = 1) { words[field.rawValue].wrappingAdd(value, ordering: .relaxed) }
        func subtract(_ field: Field) { words[field.rawValue].wrappingSubtract(1, ordering: .relaxed) }

        /// What the slot's process is doing.
        var state: SlotState { SlotState(rawValue: load(.state)) ?? .empty }

        /// Claims the slot for a process about to start (supervisor side, before spawning it).
        func claim(generation: UInt64) {
            store(.pid, 0)
            store(.generation, generation)
            store(.startedAtMilliseconds, Scoreboard.nowMilliseconds())
            store(.busyThreads, 0)
            store(.idleThreads, 0)
            store(.processRequests, 0)
            store(.state, SlotState.starting.rawValue)
        }

        /// Marks the slot's process ready to serve.
        func markReady(pid: pid_t) {
            store(.pid, UInt64(pid))
            store(.state, SlotState.ready.rawValue)
        }

        /// Marks the slot's process as finishing its last requests.
        func markStopping() { store(.state, SlotState.stopping.rawValue) }

        /// Frees the slot after its process ended; its counters stay, its gauges are cleared.
        func release() {
            store(.busyThreads, 0)
            store(.idleThreads, 0)
            store(.pid, 0)
            store(.state, SlotState.empty.rawValue)
        }

        /// A thread took a connection: one idle thread fewer, one busy more (it is busy from the accept on, reading
        /// the request included), and a saturation when that made every one of the process's `threads` busy.
        func takeConnection(threads: Int) {
            subtract(.idleThreads)
            let busy = words[Field.busyThreads.rawValue].wrappingAdd(1, ordering: .relaxed).newValue
            if busy >= UInt64(threads) { add(.saturated) }
        }

        /// A connection that brought no request (closed, or silent before its params): its thread is free again.
        func dropConnection() { subtract(.busyThreads) }

        /// Counts a request accepted on a taken connection.
        /// - Returns: the process's request count with it (each count is returned to exactly one caller).
        func countAccepted() -> UInt64 {
            add(.accepted)
            return words[Field.processRequests.rawValue].wrappingAdd(1, ordering: .relaxed).newValue
        }

        /// Counts a request answered (or dropped, with `status` nil).
        func countFinished(status: Int?, duration: Duration, bytesIn: Int, bytesOut: Int, slow: Bool) {
            subtract(.busyThreads)
            if let status {
                let index = Scoreboard.countedStatuses.firstIndex(of: status) ?? Scoreboard.countedStatuses.count
                words[Field.statusBase + index].wrappingAdd(1, ordering: .relaxed)
                let (seconds, microseconds) = duration.secondsAndMicroseconds
                let bucket =
                    Scoreboard.durationBounds.firstIndex { seconds <= $0 } ?? Scoreboard.durationBounds.count
                words[Scoreboard.bucketBase + bucket].wrappingAdd(1, ordering: .relaxed)
                add(.durationMicroseconds, UInt64(max(0, microseconds)))
            }
            add(.bytesIn, UInt64(bytesIn))
            add(.bytesOut, UInt64(bytesOut))
            if slow { add(.slow) }
        }

        /// The per-status counts, in `countedStatuses` order and then `other`.
        var statusCounts: [UInt64] {
            (0...Scoreboard.countedStatuses.count).map { words[Field.statusBase + $0].load(ordering: .relaxed) }
        }

        /// The duration histogram's counts per bucket (not cumulative).
        var bucketCounts: [UInt64] {
            (0...Scoreboard.durationBounds.count).map { words[Scoreboard.bucketBase + $0].load(ordering: .relaxed) }
        }
    }

    // MARK: Reading it all

    /// Everything `/status` shows, read at one moment.
    func snapshot() -> StatusSnapshot {
        let now = Self.nowMilliseconds()
        var workers: [StatusSnapshot.Worker] = []
        var totals = StatusSnapshot.Counters()
        for index in 0..<slotCount {
            let slot = slot(index)
            let counters = StatusSnapshot.Counters(slot)
            totals.add(counters)
            let state = slot.state
            guard state != .empty else { continue }
            let started = slot.load(.startedAtMilliseconds)
            workers.append(
                .init(
                    slot: index,
                    pid: Int(slot.load(.pid)),
                    state: state.name,
                    generation: Int(slot.load(.generation)),
                    uptimeSeconds: Double(now &- min(now, started)) / 1000,
                    requests: Int(clamping: slot.load(.processRequests)),
                    busyThreads: Self.gauge(slot.load(.busyThreads)),
                    idleThreads: Self.gauge(slot.load(.idleThreads)),
                    counters: counters
                )
            )
        }
        let timeout = load(.requestTimeoutMilliseconds)
        return StatusSnapshot(
            uptimeSeconds: Double(now &- min(now, load(.startedAtMilliseconds))) / 1000,
            supervisorPID: Int(load(.supervisorPID)),
            configuredWorkers: Int(load(.workers)),
            threadsPerWorker: Int(load(.threadsPerWorker)),
            maximumRequests: load(.maximumRequests) == 0 ? nil : Int(load(.maximumRequests)),
            requestTimeoutSeconds: Double(timeout) / 1000,
            restarts: Int(load(.restarts)),
            quickDeaths: Int(clamping: load(.quickDeaths)),
            reloads: Int(load(.reloads)),
            workers: workers,
            totals: totals
        )
    }

    /// A gauge's word as a count. Its adds and subtracts pair up, but should a worker ever die between the two, a
    /// wrapped-around "negative" word reads as 0, never as a trap on the request path.
    private static func gauge(_ word: UInt64) -> Int {
        let value = Int64(bitPattern: word)
        return value < 0 ? 0 : Int(value)
    }

    /// Milliseconds on the monotonic clock (since boot, the same in every process): uptimes measured with it do not
    /// jump when the wall clock is set.
    static func nowMilliseconds() -> UInt64 {
        let now = Posix.clockTime(CLOCK_MONOTONIC)
        return UInt64(now.tv_sec) * 1000 + UInt64(now.tv_nsec / 1_000_000)
    }
}
