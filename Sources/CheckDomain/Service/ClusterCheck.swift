import Foundation

/// Runs a registry's check items against a proposal: a fresh `RequestContext`, one inventory call for every member's
/// node, then each item in turn on the calling thread.
public struct ClusterCheck: Sendable {
    /// The check items to run.
    public let registry: CheckRegistry

    /// What a check run found.
    public struct Run: Sendable {
        /// One result per item, in registry order.
        public var results: [CheckItemResult]
        /// The member nodes (in order of first appearance) exactly as the items judged them.
        public var nodes: [Node]
    }

    /// Creates a runner.
    public init(registry: CheckRegistry) {
        self.registry = registry
    }

    /// Checks one proposal with a fresh context: resolves its members' nodes (one inventory call), then runs every
    /// check item on that context and returns their results in registry order, as values.
    /// - Parameters:
    ///   - reader: the calling thread's inventory reader.
    ///   - selection: the items to run instead of the whole registry (a request's `?checks=`).
    ///   - language: the language of descriptions and messages.
    ///   - now: the instant facts' age is judged against.
    ///   - deadline: when the run is abandoned (`DeadlineExceededError`), checked by the lookup and between items.
    /// - Throws: `UnknownNodesError` when members name nodes the inventory does not know; `DeadlineExceededError`;
    ///   `InventoryUnavailableError` when the inventory failed.
    public func run(
        _ proposal: ClusterProposal,
        reader: any NodeReader,
        selection: CheckRegistry? = nil,
        language: Language = .chinese,
        now: Date = Date(),
        deadline: ContinuousClock.Instant? = nil
    ) throws -> Run {
        var failures = NodeFailures(items: selection?.items.count ?? registry.items.count)
        let nodes = try run(
            proposal, reader: reader, selection: selection, language: language, now: now, deadline: deadline,
            into: &failures)
        return Run(results: failures.keptResults(), nodes: nodes)
    }

    /// Checks one proposal as `run` does, and writes the `POST /` answer's bytes as the items find their failures
    /// (byte for byte `CheckItemResult.responseBytes` of `run`'s results, without making them).
    /// - Parameter fields: the fields the answer carries.
    /// - Throws: what `run` throws; nothing of the answer is kept then.
    public func answer(
        _ proposal: ClusterProposal,
        reader: any NodeReader,
        selection: CheckRegistry? = nil,
        language: Language = .chinese,
        now: Date = Date(),
        deadline: ContinuousClock.Instant? = nil,
        fields: ResultFields
    ) throws -> WrittenBytes {
        let items = selection?.items.count ?? registry.items.count
        // Room for each item's head and a failure of each member, up to four (the default catalogue's answer for
        // three members is written without growing); a larger answer grows as it is written.
        let perFailure = NodeFailures.bytesPerFailure(fields)
        var failures = NodeFailures(
            writing: fields, capacity: 256 + items * (96 + perFailure * min(proposal.members.count, 4)))
        _ = try run(
            proposal, reader: reader, selection: selection, language: language, now: now, deadline: deadline,
            into: &failures)
        return failures.answer()
    }

    /// Runs the items into `failures` and returns the member nodes they judged.
    private func run(
        _ proposal: ClusterProposal,
        reader: any NodeReader,
        selection: CheckRegistry?,
        language: Language,
        now: Date,
        deadline: ContinuousClock.Instant?,
        into failures: inout NodeFailures
    ) throws -> [Node] {
        // The registry is lent, never copied: `selection ?? registry` copied it, its arrays retained and released,
        // memory every accept thread shares.
        guard let selection else {
            return try Self.run(
                registry, proposal, reader: reader, language: language, now: now, deadline: deadline, into: &failures)
        }
        return try Self.run(
            selection, proposal, reader: reader, language: language, now: now, deadline: deadline, into: &failures)
    }

    /// Runs `registry`'s items into `failures` and returns the member nodes they judged.
    private static func run(
        _ registry: borrowing CheckRegistry,
        _ proposal: ClusterProposal,
        reader: any NodeReader,
        language: Language,
        now: Date,
        deadline: ContinuousClock.Instant?,
        into failures: inout NodeFailures
    ) throws -> [Node] {
        let context = RequestContext(
            proposal: proposal, reader: reader, language: language, now: now, deadline: deadline,
            facts: registry.facts)
        let nodes = try context.memberNodes()
        // The deadline as an instant of the monotonic clock, read once from the precise clock and before each item
        // from the coarse one: `ContinuousClock.now` and the comparison of optional instants cost some 170
        // instructions an item, this about 40; and the precise clock's read of the time-stamp counter, some 20 ns
        // under a hypervisor, was 2% of the service's CPU under load, where the coarse clock reads the last tick's
        // time (see `coarseMonotonicNanoseconds()`). The coarse clock is never ahead of the precise one, so a run
        // stops no earlier than its deadline.
        let end = deadline.map {
            monotonicNanoseconds(CLOCK_MONOTONIC) + ContinuousClock.now.duration(to: $0).clampedNanoseconds
        }
        for index in registry.items.indices {
            if let end, coarseMonotonicNanoseconds() >= end { throw DeadlineExceededError() }
            let label = registry.label(ofItemAt: index, in: language)
            failures.startItem(label)
            try registry.failures(ofItemAt: index, in: context, into: &failures)
            failures.finishItem(label)
        }
        return nodes
    }

    /// Now on the coarse monotonic clock, in nanoseconds: the monotonic clock as of the kernel's last tick (1 to
    /// 10 ms apart, 4 ms on a usual kernel), so that an item that ends past the deadline stops the run at most a tick
    /// late, against a deadline of `--request-timeout` (25 s by default). Elsewhere than Linux, the monotonic clock.
    private static func coarseMonotonicNanoseconds() -> Int64 {
        #if os(Linux)
            monotonicNanoseconds(CLOCK_MONOTONIC_COARSE)
        #else
            monotonicNanoseconds(CLOCK_MONOTONIC)
        #endif
    }

    /// Now on `clock`, in nanoseconds.
    private static func monotonicNanoseconds(_ clock: clockid_t) -> Int64 {
        var now = timespec()
        clock_gettime(clock, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}
