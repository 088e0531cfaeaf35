import Foundation

/// What `GET /nodes` shows of a node: enough to pick it for a proposal and to judge its facts' age, and nothing about
/// how to reach it (no SSH user, host or port, no collection error text).
public struct NodeSummary: Sendable, Equatable {
    /// The node's id.
    public var id: NodeID
    /// The node's name.
    public var name: String
    /// The node's host address, as messages name it.
    public var host: String
    /// When its facts were collected; nil when never (or unreadable).
    public var factsCollectedAt: Date?

    /// Creates a summary.
    public init(id: NodeID, name: String, host: String, factsCollectedAt: Date?) {
        self.id = id
        self.name = name
        self.host = host
        self.factsCollectedAt = factsCollectedAt
    }

    /// The summary of a node.
    public init(_ node: Node) {
        self.init(id: node.id, name: node.name, host: node.host, factsCollectedAt: node.facts.collectedAt)
    }
}
