import Foundation

/// The per-request context: the proposal being checked and a cache of the nodes it needs.
///
/// One context is created for each request and dies with it; it is never shared between requests. The check items of
/// a request run concurrently and share it. Node loads are batched (one inventory call for every id not yet known)
/// and single-flight (an id whose load is in flight is awaited, never loaded again). A failed load is forgotten, so a
/// later ask tries again.
public actor RequestContext {
    /// The proposal this request checks.
    public nonisolated let proposal: ClusterProposal
    /// The language messages are written in.
    public nonisolated let language: Language
    /// The moment the request is checked at: every item judges the age of facts against the same instant.
    public nonisolated let now: Date
    private let inventory: any NodeInventory
    private var entries: [NodeID: Entry] = [:]
    /// `memberNodes()` once resolved: every check item asks for it, and a 1,000-member cluster is worth not
    /// resolving again.
    private var resolvedMemberNodes: [Node]?

    private enum Entry {
        case loading(Task<[NodeID: Node], any Error>)
        case loaded(Node?)
    }

    /// Creates a fresh, empty context for one request.
    public init(
        proposal: ClusterProposal,
        inventory: any NodeInventory,
        language: Language = .chinese,
        now: Date = Date()
    ) {
        self.proposal = proposal
        self.inventory = inventory
        self.language = language
        self.now = now
    }

    /// The text of a message in the request's language.
    public nonisolated func text(_ chinese: String, en english: String) -> String {
        language == .english ? english : chinese
    }

    /// The nodes with these ids, loading those not yet known in one inventory call; unknown ids are absent.
    /// - Throws: `InventoryUnavailableError` when a load this call waits on failed.
    public func nodes(withIDs ids: [NodeID]) async throws -> [NodeID: Node] {
        var found: [NodeID: Node] = [:]
        var waits: [(task: Task<[NodeID: Node], any Error>, ids: [NodeID])] = []
        var missing: [NodeID] = []
        var seen = Set<NodeID>()
        for id in ids where seen.insert(id).inserted {
            switch entries[id] {
            case .loaded(let node):
                if let node { found[id] = node }
            case .loading(let task):
                if let position = waits.firstIndex(where: { $0.task == task }) {
                    waits[position].ids.append(id)
                } else {
                    waits.append((task, [id]))
                }
            case nil:
                missing.append(id)
            }
        }
        if !missing.isEmpty {
            let inventory = self.inventory
            let batch = missing
            let task = Task {
                do {
                    return try await inventory.nodes(withIDs: batch)
                } catch {
                    throw InventoryUnavailableError(underlying: error)
                }
            }
            // Registered before the first suspension, so concurrent askers join this load instead of starting one.
            for id in missing { entries[id] = .loading(task) }
            waits.append((task, missing))
        }
        // Every wait is awaited, even after one failed: each failed load must clear its own entries, so that a
        // later ask starts a new load instead of joining a dead one.
        var firstFailure: (any Error)?
        for wait in waits {
            do {
                let loaded = try await wait.task.value
                for id in wait.ids {
                    if case .loading(let task) = entries[id], task == wait.task { entries[id] = .loaded(loaded[id]) }
                    if let node = loaded[id] { found[id] = node }
                }
            } catch {
                for id in wait.ids {
                    if case .loading(let task) = entries[id], task == wait.task { entries[id] = nil }
                }
                firstFailure = firstFailure ?? error
            }
        }
        if let firstFailure { throw firstFailure }
        return found
    }

    /// The nodes of the proposal's members, in order of first appearance, each once.
    /// - Throws: `UnknownNodesError` naming every member whose node the inventory does not know, or the inventory's
    ///   error.
    public func memberNodes() async throws -> [Node] {
        if let resolvedMemberNodes { return resolvedMemberNodes }
        let ids = proposal.distinctNodeIDs
        let known = try await nodes(withIDs: ids)
        var unknownMembers: [Int] = []
        for (index, member) in proposal.members.enumerated() {
            guard let id = member.nodeID, known[id] != nil else {
                unknownMembers.append(index)
                continue
            }
        }
        if !unknownMembers.isEmpty { throw UnknownNodesError(memberIndices: unknownMembers, proposal: proposal) }
        let nodes = ids.compactMap { known[$0] }
        resolvedMemberNodes = nodes
        return nodes
    }
}
