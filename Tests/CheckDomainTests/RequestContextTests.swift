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
    /// was found, and stays unknown when asked again, with no second call; other members on one node are not.
    @Test(arguments: [[nil, 1], [nil, 1, 1], [1, nil, 2, 1, nil]] as [[Int64?]])
    func aMemberWithoutAnIDIsUnknownWhenEveryIDWasFound(ids: [Int64?]) throws {
        let inventory = CountingInventory()
        let huge = BigInteger(negative: false, digits: Array("123456789012345678901234".utf8))
        let members = ids.map { id in
            Member(nodeID: id.map(BigInteger.init) ?? huge, name: "m", host: "h", port: BigInteger(1))
        }
        let context = RequestContext(proposal: ClusterProposal(name: "c", members: members), reader: inventory)
        for _ in 0..<2 {
            let error = #expect(throws: UnknownNodesError.self) { try context.memberNodes() }
            #expect(error?.memberIndices == ids.indices.filter { ids[$0] == nil })
            #expect(context.loadedNode(withID: NodeID(1))?.name == "node1")
        }
        #expect(inventory.recordedCalls.map(Set.init) == [Set(ids.compactMap { $0 }.map(NodeID.init))])
    }

    /// Nodes asked for by id before the members: the members' load asks only for the rest, and every node is
    /// loaded once.
    @Test func nodesAskedForBeforeTheMembersAreNotLoadedAgain() throws {
        let inventory = CountingInventory()
        let context = RequestContext(proposal: .on([3, 1, 2]), reader: inventory)
        #expect(try context.nodes(withIDs: [NodeID(1), NodeID(9)]).keys.sorted() == [NodeID(1)])
        #expect(try context.memberNodes().map(\.id) == [NodeID(3), NodeID(1), NodeID(2)])
        #expect(try context.memberNodes().map(\.name) == ["node3", "node1", "node2"])
        #expect(inventory.recordedCalls.map(Set.init) == [[NodeID(1), NodeID(9)], [NodeID(3), NodeID(2)]])
    }

    /// A reader that gives a node it was not asked for besides those it found: the ids it did not find are still
    /// unknown, and not asked for again.
    @Test func aNodeNotAskedForDoesNotHideOneNotFound() throws {
        let extra = Node(id: NodeID(7), name: "n7", host: "10.0.0.7", facts: NodeFacts())
        let inventory = ListingInventory(nodes: [extra])
        let context = RequestContext(proposal: .on([1]), reader: inventory)
        for _ in 0..<2 { #expect(throws: UnknownNodesError.self) { try context.memberNodes() } }
        #expect(try context.nodes(withIDs: [NodeID(1)]).isEmpty)
        #expect(inventory.calls.withLock { $0 } == [[NodeID(1)]])
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

    /// Every node it holds whose id was asked for, and any whose id is 7 besides (a reader breaking its contract).
    func nodes(withIDs ids: [NodeID], reading facts: FactSet, deadline: ContinuousClock.Instant?) throws -> [Node] {
        calls.withLock { $0.append(ids) }
        return nodes.filter { ids.contains($0.id) || $0.id == NodeID(7) }
    }

    func nodeSummaries(deadline: ContinuousClock.Instant?) throws -> [NodeSummary] { [] }
}
