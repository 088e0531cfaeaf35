/// Where nodes come from: a store that answers a batch of ids in one call.
///
/// A request loads all the nodes it needs with one call (see `RequestContext`); an implementation should answer a
/// batch with one round trip to its store, never one per id.
public protocol NodeInventory: Sendable {
    /// The nodes with these ids; ids the inventory does not know are absent from the answer.
    /// - Throws: when the store cannot be read; the request then fails, and nothing is cached.
    func nodes(withIDs ids: [NodeID]) async throws -> [NodeID: Node]
}
