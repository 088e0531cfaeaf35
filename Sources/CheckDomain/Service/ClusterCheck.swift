import Foundation

/// Runs a registry's check items against a proposal, with a fresh `RequestContext` for each run.
public struct ClusterCheck: Sendable {
    /// The check items to run.
    public let registry: CheckRegistry
    /// Where nodes come from.
    public let inventory: any NodeInventory

    /// Creates a runner.
    public init(registry: CheckRegistry, inventory: any NodeInventory) {
        self.registry = registry
        self.inventory = inventory
    }

    /// Checks one proposal: resolves its members' nodes (one inventory call), then runs every check item concurrently
    /// on the same context and returns their results in registry order.
    /// - Parameters:
    ///   - selection: the items to run instead of the whole registry (a request's `?checks=`).
    ///   - language: the language of descriptions and messages.
    ///   - now: the instant facts' age is judged against.
    /// - Throws: `UnknownNodesError` when members name nodes the inventory does not know; the inventory's or a check
    ///   item's error otherwise.
    public func run(
        _ proposal: ClusterProposal,
        selection: CheckRegistry? = nil,
        language: Language = .chinese,
        now: Date = Date()
    ) async throws -> [CheckItemResult] {
        try await runReportingNodes(proposal, selection: selection, language: language, now: now).results
    }

    /// As `run`, and also the member nodes (in order of first appearance) exactly as the items judged them: one
    /// inventory call serves both, so a node changed meanwhile cannot make the two disagree.
    public func runReportingNodes(
        _ proposal: ClusterProposal,
        selection: CheckRegistry? = nil,
        language: Language = .chinese,
        now: Date = Date()
    ) async throws -> (results: [CheckItemResult], nodes: [Node]) {
        let context = RequestContext(proposal: proposal, inventory: inventory, language: language, now: now)
        let nodes = try await context.memberNodes()
        let items = (selection ?? registry).items
        let results = try await withThrowingTaskGroup(of: (Int, [NodeFailure]).self) { group in
            for (index, item) in items.enumerated() {
                group.addTask { (index, try await item.failures(in: context)) }
            }
            var failures = [[NodeFailure]](repeating: [], count: items.count)
            for try await (index, itemFailures) in group { failures[index] = itemFailures }
            return items.enumerated().map { index, item in
                CheckItemResult(
                    name: item.name, description: item.description(in: language), notSuccessNodes: failures[index])
            }
        }
        return (results, nodes)
    }
}
