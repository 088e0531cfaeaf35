import Foundation

/// A node inventory that can be listed and changed: what the `nodes` commands and `nodes collect` use, whatever the
/// store (`SQLiteInventory`, `PostgreSQLInventory`). Each change is one transaction: all of it or nothing.
public protocol NodeStore: NodeInventory {
    /// How messages name the store: its file, or its database without a password.
    var displayName: String { get }

    /// Every node, by id.
    func allNodes() throws(InventoryStoreError) -> [Node]

    /// Adds a node.
    /// - Throws: `.conflict` when the id is taken.
    func add(_ node: Node) throws(InventoryStoreError)

    /// Adds or updates nodes; a node given without facts keeps the facts it had.
    func upsert(_ nodes: [(node: Node, hasFacts: Bool)]) throws(InventoryStoreError)

    /// Removes a node.
    /// - Throws: `.unknownNode` when there is no such node.
    func remove(_ id: NodeID) throws(InventoryStoreError)

    /// Replaces a node's facts, collected at `at`, and clears its last collection error.
    /// - Throws: `.unknownNode` when there is no such node (removed while its facts were being collected).
    func replaceFacts(of id: NodeID, with facts: NodeFacts, at: Date) throws(InventoryStoreError)

    /// Records that collecting a node's facts failed, keeping the facts it had.
    /// - Throws: `.unknownNode` when there is no such node.
    func recordCollectionFailure(of id: NodeID, error: String, at: Date) throws(InventoryStoreError)
}

/// Whether opening an inventory may create it.
public enum InventoryOpenMode: Sendable {
    /// The inventory must exist (serving, listing, removing).
    case existing
    /// The inventory is created with its schema when missing (adding, importing).
    case createIfMissing
}
