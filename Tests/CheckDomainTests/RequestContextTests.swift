import Synchronization
import Testing

@testable import CheckDomain

/// The per-request context's promises: each node loaded once per request, one batch for all ids, nothing shared
/// between requests, nothing of a failed load remembered.
@Suite struct RequestContextTests {
    @Test func fiftyAsksOfOneNodeLoadItOnce() throws {
        let inventory = CountingInventory()
        let context = RequestContext(proposal: .on([1]), reader: inventory)
        for _ in 0..<50 { #expect(try context.nodes(withIDs: [NodeID(1)])[NodeID(1)]?.name == "node1") }
        #expect(inventory.recordedCalls == [[NodeID(1)]])
    }

    @Test func allDistinctIdsOfARequestLoadInOneBatch() throws {
        let inventory = CountingInventory()
        let context = RequestContext(proposal: .on([3, 1, 3, 2, 1]), reader: inventory)
        let nodes = try context.memberNodes()
        #expect(nodes.map(\.id) == [NodeID(3), NodeID(1), NodeID(2)])
        _ = try context.memberNodes()
        #expect(inventory.recordedCalls.count == 1)
        #expect(inventory.recordedCalls.first.map(Set.init) == [NodeID(3), NodeID(1), NodeID(2)])
    }

    @Test func overlappingAsksNeverLoadAnIdTwice() throws {
        let inventory = CountingInventory()
        let context = RequestContext(proposal: .on([1, 2, 3]), reader: inventory)
        let first = try context.nodes(withIDs: [NodeID(1), NodeID(2)])
        let second = try context.nodes(withIDs: [NodeID(2), NodeID(3), NodeID(3)])
        #expect(first.keys.sorted() == [NodeID(1), NodeID(2)])
        #expect(second.keys.sorted() == [NodeID(2), NodeID(3)])
        #expect(inventory.recordedCalls.map(Set.init) == [[NodeID(1), NodeID(2)], [NodeID(3)]])
    }

    @Test func unknownIdsAreRememberedAsUnknown() throws {
        let inventory = CountingInventory()
        let context = RequestContext(proposal: .on([1]), reader: inventory)
        #expect(try context.nodes(withIDs: [NodeID(9)]).isEmpty)
        #expect(try context.nodes(withIDs: [NodeID(9), NodeID(1)]).keys.sorted() == [NodeID(1)])
        #expect(inventory.recordedCalls == [[NodeID(9)], [NodeID(1)]])
    }

    @Test func anEmptyMemberListMakesNoInventoryCall() throws {
        let inventory = CountingInventory()
        let context = RequestContext(proposal: .on([]), reader: inventory)
        #expect(try context.memberNodes().isEmpty)
        #expect(try context.memberNodes().isEmpty)
        #expect(try context.nodes(withIDs: []).isEmpty)
        #expect(inventory.recordedCalls.isEmpty)
    }

    @Test func aFailedLoadIsNotCachedAndTheNextAskRetries() throws {
        let inventory = CountingInventory(failFirst: 1)
        let context = RequestContext(proposal: .on([1, 2]), reader: inventory)
        #expect(throws: InventoryUnavailableError.self) { try context.memberNodes() }
        #expect(try context.memberNodes().count == 2)
        #expect(inventory.recordedCalls.count == 2)
    }

    @Test func aLookupPastTheDeadlineIsATimeoutNotAnInventoryFailure() throws {
        struct Slow: NodeReader {
            func nodes(withIDs ids: [NodeID], deadline: ContinuousClock.Instant?) throws -> [NodeID: Node] {
                if let deadline, ContinuousClock.now >= deadline { throw DeadlineExceededError() }
                return DemoInventory().nodes(withIDs: ids)
            }
            func nodeSummaries(deadline: ContinuousClock.Instant?) throws -> [NodeSummary] { [] }
        }
        let late = RequestContext(proposal: .on([1]), reader: Slow(), deadline: .now - .seconds(1))
        #expect(throws: DeadlineExceededError.self) { try late.memberNodes() }
        let inTime = RequestContext(proposal: .on([1]), reader: Slow(), deadline: .now + .seconds(60))
        #expect(try inTime.memberNodes().count == 1)
    }

    @Test func unknownNodesAreReportedPerMemberInOrder() throws {
        let inventory = CountingInventory()
        let context = RequestContext(proposal: .on([9, 1, 9, 4]), reader: inventory)
        do {
            _ = try context.memberNodes()
            Issue.record("unknown nodes were accepted")
        } catch let error as UnknownNodesError {
            #expect(
                String(decoding: ValidationIssue.responseBody(error.issues()), as: UTF8.self)
                    == #"{"detail":[{"type":"node_not_found","loc":["body","members",0,"node_id"],"msg":"node_id: 9 未找到","input":9},{"type":"node_not_found","loc":["body","members",2,"node_id"],"msg":"node_id: 9 未找到","input":9},{"type":"node_not_found","loc":["body","members",3,"node_id"],"msg":"node_id: 4 未找到","input":4}]}"#
            )
            #expect(
                error.issues(in: .english).map(\.message) == [
                    "node_id: 9 not found", "node_id: 9 not found", "node_id: 4 not found",
                ])
        }
        #expect(inventory.recordedCalls.map(Set.init) == [[NodeID(9), NodeID(1), NodeID(4)]])
    }

    /// The members' nodes as the inventory lists them: taken as they are in the members' order, sorted out by id in
    /// any other; either way one call, and every later ask by id answered without another.
    @Test(arguments: [false, true]) func theFirstLoadIsTheMembersWhateverTheInventorysOrder(reversed: Bool) throws {
        for count in [3, 12] {  // searched one by one, and indexed
            let ids = (1...Int64(count)).map { $0 }
            let nodes = ids.map { Node(id: NodeID($0), name: "n\($0)", host: "10.0.0.\($0)", facts: NodeFacts()) }
            let inventory = ListingInventory(nodes: reversed ? nodes.reversed() : nodes)
            let context = RequestContext(proposal: .on(ids + [ids[1]]), reader: inventory)
            #expect(try context.memberNodes() == nodes)
            #expect(try context.memberNodes() == nodes)
            for node in nodes { #expect(context.loadedNode(withID: node.id) == node) }
            #expect(context.loadedNode(withID: NodeID(404)) == nil)
            #expect(try context.nodes(withIDs: [NodeID(2), NodeID(1)]) == [NodeID(1): nodes[0], NodeID(2): nodes[1]])
            #expect(inventory.calls.withLock { $0 } == [ids.map(NodeID.init)])
            // An id no member has: one more call, for it alone.
            #expect(try context.nodes(withIDs: [NodeID(1), NodeID(404)]) == [NodeID(1): nodes[0]])
            #expect(inventory.calls.withLock { $0 } == [ids.map(NodeID.init), [NodeID(404)]])
        }
    }

    /// A member whose node id is past any node's (more than 64 bits) is unknown even when every other member's node
    /// was found, and stays unknown when asked again, with no second call.
    @Test func aMemberWithoutAnIDIsUnknownWhenEveryIDWasFound() throws {
        let inventory = CountingInventory()
        let huge = BigInteger(negative: false, digits: Array("123456789012345678901234".utf8))
        let members = [
            Member(nodeID: BigInteger(1), name: "a", host: "h", port: BigInteger(1)),
            Member(nodeID: huge, name: "b", host: "h", port: BigInteger(1)),
        ]
        let context = RequestContext(proposal: ClusterProposal(name: "c", members: members), reader: inventory)
        for _ in 0..<2 {
            #expect(throws: UnknownNodesError.self) { try context.memberNodes() }
            #expect(context.loadedNode(withID: NodeID(1))?.name == "node1")
        }
        #expect(inventory.recordedCalls == [[NodeID(1)]])
    }

    @Test func twoRequestsNeverShareACache() throws {
        let inventory = CountingInventory()
        let check = ClusterCheck(registry: .standard)
        _ = try check.results(on: inventory, .on([1, 2]))
        _ = try check.results(on: inventory, .on([1, 2]))
        #expect(inventory.recordedCalls.map(Set.init) == [[NodeID(1), NodeID(2)], [NodeID(1), NodeID(2)]])
    }
}

/// An inventory that lists the nodes asked for in the order it holds them, and records each call's ids.
private final class ListingInventory: NodeReader, @unchecked Sendable {
    let nodes: [Node]
    let calls = Mutex<[[NodeID]]>([])

    init(nodes: [Node]) { self.nodes = nodes }

    func nodes(withIDs ids: [NodeID], deadline: ContinuousClock.Instant?) throws -> [NodeID: Node] {
        Dictionary(uniqueKeysWithValues: try nodes(withIDs: ids, reading: .all, deadline: deadline).map { ($0.id, $0) })
    }

    func nodes(withIDs ids: [NodeID], reading facts: FactSet, deadline: ContinuousClock.Instant?) throws -> [Node] {
        calls.withLock { $0.append(ids) }
        return nodes.filter { ids.contains($0.id) }
    }

    func nodeSummaries(deadline: ContinuousClock.Instant?) throws -> [NodeSummary] { [] }
}
