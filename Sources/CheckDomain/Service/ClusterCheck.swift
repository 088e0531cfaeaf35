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
    /// check item on that context and returns their results in registry order.
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
        let running = selection ?? registry
        let context = RequestContext(
            proposal: proposal, reader: reader, language: language, now: now, deadline: deadline,
            facts: running.facts)
        let nodes = try context.memberNodes()
        let items = running.items
        var results: [CheckItemResult] = []
        results.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            if let deadline, ContinuousClock.now >= deadline { throw DeadlineExceededError() }
            results.append(running.result(ofItemAt: index, in: language, failures: try item.failures(in: context)))
        }
        return Run(results: results, nodes: nodes)
    }
}
