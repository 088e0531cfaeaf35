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

    @Test func twoRequestsNeverShareACache() throws {
        let inventory = CountingInventory()
        let check = ClusterCheck(registry: .standard)
        _ = try check.results(on: inventory, .on([1, 2]))
        _ = try check.results(on: inventory, .on([1, 2]))
        #expect(inventory.recordedCalls.map(Set.init) == [[NodeID(1), NodeID(2)], [NodeID(1), NodeID(2)]])
    }
}
