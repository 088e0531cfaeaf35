import Foundation

/// The per-request context: the proposal being checked and a cache of the nodes it needs.
///
/// One context is created for each request and dies with it; it is never shared between requests, nor between
/// threads: it belongs to the thread that answers the request, and the request's check items run one after another
/// on that thread, sharing it. Nodes are loaded in batches (one inventory call for every id not yet known) and each
/// node once: an id asked for again is answered from the cache, an empty list of ids makes no call, and a failed load
/// is not remembered, so a later ask tries again.
public final class RequestContext {
    /// The proposal this request checks.
    public let proposal: ClusterProposal
    /// The language messages are written in.
    public let language: Language
    /// The moment the request is checked at: every item judges the age of facts against the same instant.
    public let now: Date
    /// When the request's time is up (`--request-timeout`): a lookup still running then is abandoned; nil for none.
    public let deadline: ContinuousClock.Instant?
    private let reader: any NodeReader
    /// The facts the request's items read: all a lookup reads of each node.
    private let facts: FactSet
    // Unchecked exclusivity on the four below: a context belongs to one request on one thread, and no access to
    // them spans a call that could reach them again (each is read, or set, and let go), so no two accesses overlap;
    // the dynamic checks were a runtime call pair, some 60 instructions, on each access.

    /// Every node loaded so far, by id; but for the members' nodes while `membersIndexed` is false.
    @exclusivity(unchecked) private var loaded: [NodeID: Node] = [:]
    /// The ids looked up that the inventory does not know.
    @exclusivity(unchecked) private var absent: Set<NodeID> = []
    /// `memberNodes()` once resolved: every check item asks for it.
    @exclusivity(unchecked) private var resolvedMemberNodes: [Node]?
    /// Whether the member nodes are in `loaded`. A request's first load, nearly always its only one, is the members'
    /// nodes, and when the inventory gives them in the members' order they are kept as that list and nothing else:
    /// they go into `loaded` (`indexMembers()`) only before another load, or when an item asks for a node by id in a
    /// member list longer than `searchedMembers`. Hashing each id three times (into the reader's dictionary, for the
    /// misses, out of it for the list) was some 5k instructions of the reference's 64k.
    @exclusivity(unchecked) private var membersIndexed = true
    /// Member lists this long or shorter are searched for an id one by one rather than indexed.
    private static let searchedMembers = 8

    /// Creates a fresh, empty context for one request.
    /// - Parameters:
    ///   - reader: the inventory reader of the thread answering the request.
    ///   - now: the instant facts' age is judged against.
    ///   - deadline: when a lookup still running is abandoned (`DeadlineExceededError`); nil for never.
    ///   - facts: the facts the request's items read (`CheckRegistry.facts`); other facts of its nodes may be unknown.
    public init(
        proposal: ClusterProposal,
        reader: any NodeReader,
        language: Language = .chinese,
        now: Date = Date(),
        deadline: ContinuousClock.Instant? = nil,
        facts: FactSet = .all
    ) {
        self.proposal = proposal
        self.reader = reader
        self.facts = facts
        self.language = language
        self.now = now
        self.deadline = deadline
    }

    /// The text of a message in the request's language; only that one is built.
    public func text(_ chinese: @autoclosure () -> MessageText, en english: @autoclosure () -> MessageText)
        -> MessageText
    {
        language == .english ? english() : chinese()
    }

    /// The nodes with these ids, loading those not yet known in one inventory call; unknown ids are absent.
    /// - Throws: `DeadlineExceededError` when the lookup ran past the deadline; `InventoryUnavailableError` when the
    ///   inventory failed otherwise. Nothing of a failed load is remembered.
    public func nodes(withIDs ids: [NodeID]) throws -> [NodeID: Node] {
        try load(ids)
        var found: [NodeID: Node] = [:]
        found.reserveCapacity(ids.count)
        for id in ids { found[id] = loaded[id] }
        return found
    }

    /// Adds to `failures` what `judge` finds wrong with each member node (nil: nothing), in the members' order: the
    /// shape of most items.
    /// - Throws: what `memberNodes()` or `judge` throws.
    @inline(__always)
    public func judgeMemberNodes(into failures: inout NodeFailures, _ judge: (Node) throws -> NodeFailure?) throws {
        for node in try memberNodes() {
            if let failure = try judge(node) { failures.append(failure) }
        }
    }

    /// Adds to `failures` each member node whose needed fact is unknown (`fact` of its facts is nil), and what
    /// `judge` finds wrong with the others given that fact (nil: nothing), in the members' order: the shape of most
    /// items.
    ///
    /// A node whose fact is unknown fails as `NodeFailure.unknown(node, unknown, expected: expected, in: self)`,
    /// written into the answer without being made (`NodeFailures.appendUnknown`).
    /// - Throws: what `memberNodes()` or `judge` throws.
    @inline(__always)
    public func judgeMemberNodes<Value>(
        into failures: inout NodeFailures,
        reading fact: (borrowing NodeFacts) -> Value?,
        unknown: borrowing UnknownFact,
        expected: String,
        _ judge: (Node, Value) throws -> NodeFailure?
    ) throws {
        for node in try memberNodes() {
            guard let value = fact(node.facts) else {
                failures.appendUnknown(node, unknown, expected: expected, language: language)
                continue
            }
            if let failure = try judge(node, value) { failures.append(failure) }
        }
    }

    /// The node with this id if it is loaded already (every member's, once `memberNodes()` has returned), without a
    /// lookup: for items that go through the members one by one.
    public func loadedNode(withID id: NodeID) -> Node? {
        if !membersIndexed, let members = resolvedMemberNodes, members.count <= Self.searchedMembers {
            for node in members where node.id == id { return node }
            return nil
        }
        indexMembers()
        return loaded[id]
    }

    /// Puts the member nodes, kept as a list by the first load, into `loaded`.
    private func indexMembers() {
        guard !membersIndexed else { return }
        membersIndexed = true
        guard let members = resolvedMemberNodes else { return }
        // Made with its room: `reserveCapacity` is an unspecialised generic call, which looks the type up at run time.
        if loaded.isEmpty { loaded = Dictionary(minimumCapacity: members.count) }
        for node in members { loaded[node.id] = node }
    }

    /// The nodes with these ids (none twice) that the inventory knows, in one inventory call.
    /// - Throws: `DeadlineExceededError` when the lookup ran past the deadline; `InventoryUnavailableError` when the
    ///   inventory failed otherwise.
    private func read(_ ids: [NodeID]) throws -> [Node] {
        do {
            return try reader.nodes(withIDs: ids, reading: facts, deadline: deadline)
        } catch let error as DeadlineExceededError {
            throw error
        } catch {
            throw InventoryUnavailableError(underlying: error)
        }
    }

    /// Loads the ids not yet looked up, in one inventory call (none when every id is known).
    /// - Parameter distinct: whether `ids` are known to hold no id twice (the members' distinct ids).
    private func load(_ ids: [NodeID], distinct: Bool = false) throws {
        indexMembers()  // the members kept as a list count as loaded
        var missing: [NodeID]
        if loaded.isEmpty && absent.isEmpty {
            missing = ids  // the first load, nearly always the only one: every id is missing
        } else {
            missing = []
            for id in ids where loaded[id] == nil && !absent.contains(id) { missing.append(id) }
        }
        guard !missing.isEmpty else { return }
        // One id may be asked for twice in one call: it is looked up once.
        if missing.count > 1 && !distinct { missing = Array(Set(missing)) }
        keep(try read(missing), lookedUp: missing)
    }

    /// Keeps what a lookup of `ids` found, by id, and remembers the ids it did not find as unknown: each id asked
    /// for is looked at, not the count of nodes, so that a reader also giving a node it was not asked for does not
    /// hide one it did not find.
    private func keep(_ found: [Node], lookedUp ids: [NodeID]) {
        for node in found where loaded[node.id] == nil { loaded[node.id] = node }
        for id in ids where loaded[id] == nil { absent.insert(id) }
    }

    /// The nodes of the proposal's members, in order of first appearance, each once.
    /// - Throws: `UnknownNodesError` naming every member whose node the inventory does not know, or the inventory's
    ///   error.
    public func memberNodes() throws -> [Node] {
        if let resolvedMemberNodes { return resolvedMemberNodes }
        let ids = proposal.distinctNodeIDs
        // The first load, nearly always the only one: the inventory's list is the answer when it holds every member's
        // node in the members' order.
        if loaded.isEmpty && absent.isEmpty && !ids.isEmpty {
            let list = try read(ids)
            if list.count == ids.count && list.indices.allSatisfy({ list[$0].id == ids[$0] }) {
                // Fewer ids than members: a member without a node id, or on a node another member named first. As
                // every id was found, a member is unknown exactly when it has no id.
                if ids.count < proposal.members.count {
                    let unknownMembers = proposal.members.indices.filter { proposal.members[$0].nodeID == nil }
                    if !unknownMembers.isEmpty {
                        keep(list, lookedUp: ids)  // as any load keeps what it found
                        throw UnknownNodesError(memberIndices: unknownMembers, proposal: proposal)
                    }
                }
                resolvedMemberNodes = list
                membersIndexed = false
                return list
            }
            keep(list, lookedUp: ids)
        }
        try load(ids, distinct: true)
        var nodes: [Node] = []
        nodes.reserveCapacity(ids.count)
        for id in ids {
            if let node = loaded[id] { nodes.append(node) }
        }
        if nodes.count < ids.count || ids.count < proposal.members.count {
            var unknownMembers: [Int] = []
            for (index, member) in proposal.members.enumerated() {
                guard let id = member.nodeID, loaded[id] != nil else {
                    unknownMembers.append(index)
                    continue
                }
            }
            if !unknownMembers.isEmpty { throw UnknownNodesError(memberIndices: unknownMembers, proposal: proposal) }
        }
        resolvedMemberNodes = nodes
        return nodes
    }
}
