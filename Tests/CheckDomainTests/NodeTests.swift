import Foundation
import Testing

@testable import CheckDomain

/// `Node` holds everything but its id in one copy-on-write box: a copy shares it, and a change to either copy is
/// that copy's alone, whatever is changed; equality compares what the nodes hold, not where they hold it.
@Suite struct NodeTests {
    static let node = Node(
        id: NodeID(7), name: "n7", host: "db-7.example.internal", facts: NodeFacts(osID: "centos", cpuCount: 8),
        sshUser: "ops", sshHost: "10.0.0.7", sshPort: 2222, lastCollectAt: Date(timeIntervalSince1970: 1_700_000_000),
        lastCollectError: nil)

    @Test(arguments: 0..<8)
    func aChangeToOneCopyLeavesTheOtherAsItWas(change: Int) {
        let original = Self.node
        var changed = original
        switch change {
        case 0: changed.name = "renamed"
        case 1: changed.host = "db-7b.example.internal"
        case 2: changed.facts.cpuCount = 16
        case 3: changed.sshUser = "root"
        case 4: changed.sshHost = nil
        case 5: changed.sshPort = 22
        case 6: changed.lastCollectAt = nil
        default: changed.lastCollectError = "timed out"
        }
        #expect(original == Self.node, "the original is unchanged")
        #expect(changed != original)
        #expect(original.name == "n7" && original.host == "db-7.example.internal" && original.facts.cpuCount == 8)
        #expect(original.sshUser == "ops" && original.sshPort == 2222 && original.lastCollectError == nil)
    }

    @Test func theChangedCopyReadsBackWhatWasSet() {
        var node = Self.node
        node.name = "renamed"
        node.host = "db-7b.example.internal"
        node.facts.osID = "rocky"
        #expect(node.name == "renamed" && node.host == "db-7b.example.internal" && node.facts.osID == "rocky")
        #expect(node.id == NodeID(7) && node.sshUser == "ops" && node.facts.cpuCount == 8)
    }

    @Test func nodesBuiltApartWithTheSameContentsAreEqual() {
        let twin = Node(
            id: NodeID(7), name: "n7", host: "db-7.example.internal",
            facts: NodeFacts(osID: "centos", cpuCount: 8), sshUser: "ops", sshHost: "10.0.0.7", sshPort: 2222,
            lastCollectAt: Date(timeIntervalSince1970: 1_700_000_000))
        #expect(twin == Self.node)
        var otherID = twin
        otherID.id = NodeID(8)
        #expect(otherID != Self.node, "the id counts")
        var otherHost = twin
        otherHost.host = "DB-7.example.internal"
        #expect(otherHost != Self.node, "the host counts, case and all")
    }
}
