/// The three nodes the reference service knows, for `fcgi-check serve --demo`.
///
/// Their OS and systemd versions are the reference's; the other facts are made up so that every check item has
/// something to show (node 3's clock state and every collection time are unknown, and are listed as such).
public struct DemoInventory: NodeInventory, NodeReader {
    /// The demo nodes by id.
    public static let nodes: [NodeID: Node] = [
        NodeID(1): Node(
            id: NodeID(1), name: "node1", host: "172.16.70.101",
            facts: NodeFacts(
                osID: "centos", osVersion: "7.1", systemdVersion: 219, kernelRelease: "3.10.0-229.el7.x86_64",
                cpuCount: 8, memoryTotalBytes: 16_247_980_032, swapTotalBytes: 0, transparentHugePages: "never",
                selinuxMode: "disabled", clockSynchronized: true, hostname: "node1")
        ),
        NodeID(2): Node(
            id: NodeID(2), name: "node2", host: "172.16.70.102",
            facts: NodeFacts(
                osID: "centos", osVersion: "7.2", systemdVersion: 231, kernelRelease: "3.10.0-327.el7.x86_64",
                cpuCount: 2, memoryTotalBytes: 3_973_316_608, swapTotalBytes: 2_147_479_552,
                transparentHugePages: "always",
                selinuxMode: "permissive", clockSynchronized: false, hostname: "node2")
        ),
        NodeID(3): Node(
            id: NodeID(3), name: "node3", host: "172.16.70.103",
            facts: NodeFacts(
                osID: "centos", osVersion: "7.3", systemdVersion: 231, kernelRelease: "3.10.0-514.el7.x86_64",
                cpuCount: 4, memoryTotalBytes: 8_201_400_320, swapTotalBytes: 0, transparentHugePages: "madvise",
                selinuxMode: "enforcing", hostname: "node3")
        ),
    ]

    /// Creates the demo inventory.
    public init() {}

    public func nodes(withIDs ids: [NodeID], deadline: ContinuousClock.Instant? = nil) -> [NodeID: Node] {
        var found: [NodeID: Node] = [:]
        for id in ids { found[id] = Self.nodes[id] }
        return found
    }
}
