/// Where nodes come from: a store that hands each thread answering requests a reader of its own.
///
/// A request loads all the nodes it needs with one call (see `RequestContext`); a reader should answer a batch with
/// one round trip to its store, never one per id. A new store is one type conforming to this protocol, with its
/// reader.
public protocol NodeInventory: Sendable {
    /// A reader for the calling thread's use alone: an accept thread makes one when it starts and uses it for every
    /// request it answers, so that no lock sits on the request path.
    /// - Throws: when the store cannot be opened.
    func makeReader() throws -> any NodeReader

    /// Whether a read waits on something else than this machine's CPU and disk (a server across the network): the
    /// service then lets every accept thread take connections, so that requests overlap their waits. Local stores
    /// (SQLite, the demo) do not wait, and the default is false.
    var readsWaitOnTheNetwork: Bool { get }
}

extension NodeInventory {
    public var readsWaitOnTheNetwork: Bool { false }
}

/// One thread's reader of a node inventory (a connection with its lookup prepared, for a database): it is used by
/// the thread that made it and by no other.
public protocol NodeReader {
    /// The nodes with these ids; ids the inventory does not know are absent from the answer.
    /// - Parameter deadline: when to abandon the lookup (`DeadlineExceededError`); nil for never.
    /// - Throws: when the store cannot be read; the request then fails, and nothing is cached.
    func nodes(withIDs ids: [NodeID], deadline: ContinuousClock.Instant?) throws -> [NodeID: Node]

    /// The nodes with these ids, for checking: each with its id, name and host and the facts in `facts`; its other
    /// facts, and what only `nodes collect` and `nodes list` use (SSH settings, the last collection), may be left
    /// unknown. A request reads only the columns its check items need (`CheckRegistry.facts`).
    ///
    /// A list, not a dictionary: the request's context takes it as its member nodes as it is when it holds them in the
    /// members' order, as a reader should give them (ids the inventory does not know left out), and hashes nothing.
    /// A list in another order is sorted out by id.
    /// - Parameters:
    ///   - ids: the ids to look up, none twice.
    ///   - deadline: when to abandon the lookup (`DeadlineExceededError`); nil for never.
    /// - Throws: when the store cannot be read; the request then fails, and nothing is cached.
    func nodes(withIDs ids: [NodeID], reading facts: FactSet, deadline: ContinuousClock.Instant?) throws -> [Node]

    /// Every node's summary, by id: for `GET /nodes`, a page's list to pick from. One query reading four columns,
    /// never the facts; a request that checks a proposal never calls it.
    /// - Parameter deadline: when to abandon the listing (`DeadlineExceededError`); nil for never.
    /// - Throws: when the store cannot be read.
    func nodeSummaries(deadline: ContinuousClock.Instant?) throws -> [NodeSummary]
}

extension NodeReader {
    /// Every node whole, in the order of `ids`: a reader that has no cheaper way to read fewer facts.
    public func nodes(withIDs ids: [NodeID], reading facts: FactSet, deadline: ContinuousClock.Instant?) throws
        -> [Node]
    {
        let found = try nodes(withIDs: ids, deadline: deadline)
        return ids.compactMap { found[$0] }
    }
}

extension NodeInventory where Self: NodeReader {
    /// A store that needs no per-thread state is its own reader.
    public func makeReader() throws -> any NodeReader { self }
}
