/// A node that did not pass a check item, and why.
public struct NodeFailure: Sendable, Equatable {
    /// The node's id.
    public var nodeID: NodeID
    /// The message shown to operators.
    public var message: String

    /// Creates a failure.
    public init(nodeID: NodeID, message: String) {
        self.nodeID = nodeID
        self.message = message
    }
}
