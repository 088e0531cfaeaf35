/// A machine in the node inventory and the facts known about it.
public struct Node: Sendable, Equatable {
    /// The node's id.
    public var id: NodeID
    /// The node's name.
    public var name: String
    /// The node's host address, as the inventory knows it.
    public var host: String
    /// What is known about the machine.
    public var facts: NodeFacts

    /// Creates a node.
    public init(id: NodeID, name: String, host: String, facts: NodeFacts) {
        self.id = id
        self.name = name
        self.host = host
        self.facts = facts
    }
}
