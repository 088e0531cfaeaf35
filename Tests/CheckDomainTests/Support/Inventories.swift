import Foundation
import Synchronization

@testable import CheckDomain

/// An inventory holding exactly these nodes.
struct FixedInventory: NodeInventory, NodeReader {
    let nodes: [Node]

    func nodes(withIDs ids: [NodeID], deadline: ContinuousClock.Instant?) throws -> [NodeID: Node] {
        var found: [NodeID: Node] = [:]
        for node in nodes where ids.contains(node.id) { found[node.id] = node }
        return found
    }

    /// Only `facts` known, as SQLite reads them for a request: an item reading a fact it does not declare sees it
    /// unknown, and its tests fail. In the order this inventory holds them, not the ids': the request's context
    /// sorts them out.
    func nodes(withIDs ids: [NodeID], reading facts: FactSet, deadline: ContinuousClock.Instant?) throws -> [Node] {
        nodes.filter { ids.contains($0.id) }.map { $0.keeping(facts) }
    }

    func nodeSummaries(deadline: ContinuousClock.Instant?) throws -> [NodeSummary] {
        nodes.sorted { $0.id < $1.id }.map(NodeSummary.init)
    }
}

/// An inventory that counts its calls and can be told to fail.
final class CountingInventory: NodeInventory, NodeReader {
    struct Failure: Error {}

    private let calls = Mutex<[[NodeID]]>([])
    private let failuresLeft: Mutex<Int>

    init(failFirst: Int = 0) {
        self.failuresLeft = Mutex(failFirst)
    }

    /// The ids of each call, in call order.
    var recordedCalls: [[NodeID]] { calls.withLock { $0 } }

    func nodes(withIDs ids: [NodeID], deadline: ContinuousClock.Instant?) throws -> [NodeID: Node] {
        calls.withLock { $0.append(ids) }
        let fail = failuresLeft.withLock { left in
            defer { left -= 1 }
            return left > 0
        }
        if fail { throw Failure() }
        return DemoInventory().nodes(withIDs: ids)
    }

    /// Listing is not a lookup: it is not counted, and never fails.
    func nodeSummaries(deadline: ContinuousClock.Instant?) throws -> [NodeSummary] {
        DemoInventory().nodeSummaries()
    }
}

extension ClusterProposal {
    /// A proposal with members on these node ids.
    static func on(_ ids: [Int64]) -> ClusterProposal {
        ClusterProposal(
            name: "c1",
            members: ids.enumerated().map { index, id in
                Member(nodeID: BigInteger(id), name: "m\(index)", host: "10.0.0.\(index)", port: BigInteger(5432))
            }
        )
    }
}

extension ClusterCheck {
    /// The results of a run on a fresh reader of `inventory`.
    func results(
        on inventory: any NodeInventory, _ proposal: ClusterProposal, selection: CheckRegistry? = nil,
        language: Language = .chinese, now: Date = Date()
    ) throws -> [CheckItemResult] {
        try run(proposal, reader: inventory.makeReader(), selection: selection, language: language, now: now).results
    }
}

extension NodeInventory {
    /// One lookup through a fresh reader.
    func nodes(withIDs ids: [NodeID]) throws -> [NodeID: Node] {
        try makeReader().nodes(withIDs: ids, deadline: nil)
    }
}
