/// The three nodes the reference service knows, for `fcgi-check serve --demo`.
public struct DemoInventory: NodeInventory {
    /// The demo nodes by id.
    public static let nodes: [NodeID: Node] = [
        NodeID(1): Node(
            id: NodeID(1), name: "node1", host: "172.16.70.101",
            facts: NodeFacts(osID: "centos", osVersion: "7.1", systemdVersion: 219)
        ),
        NodeID(2): Node(
            id: NodeID(2), name: "node2", host: "172.16.70.102",
            facts: NodeFacts(osID: "centos", osVersion: "7.2", systemdVersion: 231)
        ),
        NodeID(3): Node(
            id: NodeID(3), name: "node3", host: "172.16.70.103",
            facts: NodeFacts(osID: "centos", osVersion: "7.3", systemdVersion: 231)
        ),
    ]

    /// Creates the demo inventory.
    public init() {}

    public func nodes(withIDs ids: [NodeID]) async throws -> [NodeID: Node] {
        var found: [NodeID: Node] = [:]
        for id in ids { found[id] = Self.nodes[id] }
        return found
    }
}
