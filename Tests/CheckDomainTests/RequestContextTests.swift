import Synchronization
import Testing

@testable import CheckDomain

/// An inventory that counts its calls, can be slowed down, and can be told to fail.
final class CountingInventory: NodeInventory {
    struct Failure: Error {}

    private let calls = Mutex<[[NodeID]]>([])
    private let failuresLeft: Mutex<Int>
    let delay: Duration

    init(delay: Duration = .zero, failFirst: Int = 0) {
        self.delay = delay
        self.failuresLeft = Mutex(failFirst)
    }

    /// The ids of each call, in call order.
    var recordedCalls: [[NodeID]] { calls.withLock { $0 } }

    func nodes(withIDs ids: [NodeID]) async throws -> [NodeID: Node] {
        calls.withLock { $0.append(ids) }
        if delay > .zero { try await Task.sleep(for: delay) }
        let fail = failuresLeft.withLock { left in
            defer { left -= 1 }
            return left > 0
        }
        if fail { throw Failure() }
        return try await DemoInventory().nodes(withIDs: ids)
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

@Suite struct RequestContextTests {
    @Test func fiftyConcurrentAsksOfOneNodeLoadItOnce() async throws {
        let inventory = CountingInventory(delay: .milliseconds(50))
        let context = RequestContext(proposal: .on([1]), inventory: inventory)
        try await withThrowingTaskGroup(of: Node?.self) { group in
            for _ in 0..<50 { group.addTask { try await context.nodes(withIDs: [NodeID(1)])[NodeID(1)] } }
            for try await node in group { #expect(node?.name == "node1") }
        }
        #expect(inventory.recordedCalls == [[NodeID(1)]])
    }

    @Test func allDistinctIdsOfARequestLoadInOneBatch() async throws {
        let inventory = CountingInventory()
        let context = RequestContext(proposal: .on([3, 1, 3, 2, 1]), inventory: inventory)
        let nodes = try await context.memberNodes()
        #expect(nodes.map(\.id) == [NodeID(3), NodeID(1), NodeID(2)])
        _ = try await context.memberNodes()
        #expect(inventory.recordedCalls == [[NodeID(3), NodeID(1), NodeID(2)]])
    }

    @Test func overlappingConcurrentAsksNeverLoadAnIdTwice() async throws {
        let inventory = CountingInventory(delay: .milliseconds(50))
        let context = RequestContext(proposal: .on([1, 2, 3]), inventory: inventory)
        async let first = context.nodes(withIDs: [NodeID(1), NodeID(2)])
        async let second = context.nodes(withIDs: [NodeID(2), NodeID(3)])
        let (a, b) = try await (first, second)
        #expect(a.keys.sorted() == [NodeID(1), NodeID(2)])
        #expect(b.keys.sorted() == [NodeID(2), NodeID(3)])
        let loaded = inventory.recordedCalls.flatMap { $0 }
        #expect(loaded.count == 3 && Set(loaded).count == 3)
    }

    @Test func anEmptyMemberListMakesNoInventoryCall() async throws {
        let inventory = CountingInventory()
        let context = RequestContext(proposal: .on([]), inventory: inventory)
        #expect(try await context.memberNodes().isEmpty)
        #expect(try await context.memberNodes().isEmpty)
        #expect(inventory.recordedCalls.isEmpty)
    }

    @Test func aFailedLoadIsNotCachedAndTheNextAskRetries() async throws {
        let inventory = CountingInventory(failFirst: 1)
        let context = RequestContext(proposal: .on([1, 2]), inventory: inventory)
        await #expect(throws: InventoryUnavailableError.self) { try await context.memberNodes() }
        #expect(try await context.memberNodes().count == 2)
        #expect(inventory.recordedCalls.count == 2)
    }

    @Test func overlappingFailedLoadsAreAllForgotten() async throws {
        // Two loads in flight ([1] and, joined by the second ask, [2]); both fail. Neither may stay cached.
        let inventory = CountingInventory(delay: .milliseconds(50), failFirst: 2)
        let context = RequestContext(proposal: .on([1, 2]), inventory: inventory)
        async let first = context.nodes(withIDs: [NodeID(1)])
        try await Task.sleep(for: .milliseconds(10))
        async let second = context.nodes(withIDs: [NodeID(1), NodeID(2)])
        _ = try? await first
        _ = try? await second
        #expect(inventory.recordedCalls == [[NodeID(1)], [NodeID(2)]])
        let retried = try await context.nodes(withIDs: [NodeID(1), NodeID(2)])
        #expect(retried.count == 2)
        #expect(inventory.recordedCalls.count == 3)
    }

    @Test func unknownNodesAreReportedPerMemberInOrder() async throws {
        let inventory = CountingInventory()
        let context = RequestContext(proposal: .on([9, 1, 9, 4]), inventory: inventory)
        do {
            _ = try await context.memberNodes()
            Issue.record("unknown nodes were accepted")
        } catch let error as UnknownNodesError {
            #expect(
                String(decoding: ValidationIssue.responseBody(error.issues), as: UTF8.self)
                    == #"{"detail":[{"type":"node_not_found","loc":["body","members",0,"node_id"],"msg":"node_id: 9 未找到","input":9},{"type":"node_not_found","loc":["body","members",2,"node_id"],"msg":"node_id: 9 未找到","input":9},{"type":"node_not_found","loc":["body","members",3,"node_id"],"msg":"node_id: 4 未找到","input":4}]}"#
            )
        }
        #expect(inventory.recordedCalls == [[NodeID(9), NodeID(1), NodeID(4)]])
    }

    @Test func twoRequestsNeverShareACache() async throws {
        let inventory = CountingInventory()
        let check = ClusterCheck(registry: .standard, inventory: inventory)
        _ = try await check.run(.on([1, 2]))
        _ = try await check.run(.on([1, 2]))
        #expect(inventory.recordedCalls == [[NodeID(1), NodeID(2)], [NodeID(1), NodeID(2)]])
    }
}
