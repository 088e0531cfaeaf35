import Foundation
import Testing

@testable import CheckDomain

/// A check item that asks the context for the nodes and records how many times it ran.
struct NodeNamesCheck: CheckItem {
    static var name: String { "check_node_names" }
    let name: String

    init() { name = Self.name }
    init(name: String) { self.name = name }

    func description(in language: Language) -> String { "lists every node" }

    func failures(in context: RequestContext, into failures: inout NodeFailures) throws {
        for node in try context.memberNodes() {
            failures.append(NodeFailure(nodeID: node.id, message: MessageText(node.name)))
        }
    }
}

/// A check item that takes `delay` to judge (it waits), and finds nothing wrong.
struct SlowCheck: CheckItem {
    static var name: String { "check_slow" }
    let delay: Duration

    init() { delay = .zero }
    init(delay: Duration) { self.delay = delay }

    func description(in language: Language) -> String { "waits" }

    func failures(in context: RequestContext, into failures: inout NodeFailures) throws {
        _ = try context.memberNodes()
        let end = ContinuousClock.now + delay
        while ContinuousClock.now < end { usleep(1_000) }
    }
}

@Suite struct ClusterCheckTests {
    static let referenceBody =
        #"[{"name":"check_os_version","description":"检查操作系统版本","not_success_nodes":[{"node_id":1,"message":"172.16.70.101 操作系统版本过低, 当前系统版本为 7.1"}]},{"name":"check_systemd_version","description":"检测 systemd 检查版本 >213 且 != 231","not_success_nodes":[{"node_id":2,"message":"172.16.70.102 当前 systemd 版本为:231"},{"node_id":3,"message":"172.16.70.103 当前 systemd 版本为:231"}]}]"#

    @Test func theReferenceRequestGivesTheReferenceBytes() throws {
        let inventory = CountingInventory()
        let results = try ClusterCheck(registry: .standard).results(on: inventory, .on([1, 2, 3]))
        #expect(String(decoding: CheckItemResult.responseBody(results), as: UTF8.self) == Self.referenceBody)
        #expect(inventory.recordedCalls.count == 1)
    }

    @Test func anAnswerWrittenInPlaceLeavesItsResultsAsTheyWere() throws {
        let run = try ClusterCheck(registry: Policy().registry()).run(.on([1, 2, 3]), reader: DemoInventory())
        for fields in [ResultFields.reference, .extended] {
            // Owned alone, and shared with another array: the same bytes, and the results unchanged.
            var owned = try ClusterCheck(registry: Policy().registry()).run(.on([1, 2, 3]), reader: DemoInventory())
                .results
            var shared = run.results
            let bytes = CheckItemResult.responseBytes(&owned, fields: fields).array
            #expect(CheckItemResult.responseBytes(&shared, fields: fields).array == bytes)
            #expect(CheckItemResult.responseBody(run.results, fields: fields) == bytes)
            #expect(owned == run.results && shared == run.results)
            #expect(owned.contains { $0.notSuccessNodes.isEmpty } && owned.contains { !$0.notSuccessNodes.isEmpty })
        }
        // What the bytes hold, field by field, from results made of strings.
        var made = [
            CheckItemResult(
                name: "check_x", description: "x",
                notSuccessNodes: [
                    NodeFailure(nodeID: NodeID(4), message: "host \"4\" 未知", expected: "a\nb", fix: "do\tit"),
                    NodeFailure(nodeID: NodeID(5), message: "\(String(repeating: "长", count: 9))", level: .warn),
                ])
        ]
        #expect(
            String(decoding: CheckItemResult.responseBytes(&made, fields: .extended).array, as: UTF8.self)
                == #"[{"name":"check_x","description":"x","not_success_nodes":[{"node_id":4,"message":"host \"4\" 未知","level":"fail","expected":"a\nb","actual":null,"fix":"do\tit"},{"node_id":5,"message":"长长长长长长长长长","level":"warn","expected":null,"actual":null,"fix":null}]}]"#
        )
    }

    /// Nodes with every fact of each real system the fixtures hold (so that items pass, warn and fail with values,
    /// fixes and texts to escape), nodes with none, and two whose host needs escaping (one with facts, one without).
    static let variedInventory: FixedInventory = {
        var nodes = DumpFixture.all.enumerated().map { index, fixture in
            var facts = fixture.facts
            facts.collectedAt = Date(timeIntervalSince1970: 1_700_000_000)
            return Node(id: NodeID(Int64(index + 1)), name: fixture.name, host: "10.0.0.\(index + 1)", facts: facts)
        }
        nodes.append(Node(id: NodeID(7), name: "bare", host: "bare-host", facts: NodeFacts()))
        nodes.append(Node(id: NodeID(8), name: "odd", host: "h\"\\\n\u{1}主机", facts: DumpFixture.all[0].facts))
        // Every fact unknown at a host to escape: the unknown facts' failures are written without being made.
        nodes.append(Node(id: NodeID(9), name: "odd-bare", host: "h\"\\\n\u{1}主机", facts: NodeFacts()))
        // More nodes without facts than an answer keeps the written start of (`NodeFailures.headsKept`).
        for id in 10...30 {
            nodes.append(Node(id: NodeID(Int64(id)), name: "bare-\(id)", host: "bare-host-\(id)", facts: NodeFacts()))
        }
        return FixedInventory(nodes: nodes)
    }()

    @Test func anAnswerWrittenAsItemsFindFailuresIsTheKeptResultsBytes() throws {
        let catalogue = Policy().registry()
        let registries = [
            CheckRegistry.standard, catalogue,
            try catalogue.selecting(["check_sysctl", "check_member_port", "check_os_version"]).get(),
            try CheckRegistry([]),
        ]
        var random = PlainProposalDecoderTests.Generator(state: 12)
        // The last one's answer outgrows the room made for it at first.
        var proposals: [ClusterProposal] = [
            .on([]), .on([1, 2, 3]), .on([3, 1, 2, 1, 3]), .on(Array(1...9)), .on(Array(1...9) + Array(1...9)),
            .on(Array((1...30).reversed()) + [7, 25, 9]),
        ]
        for _ in 0..<40 {
            proposals.append(
                .on((0..<Int.random(in: 1...12, using: &random)).map { _ in Int64.random(in: 1...9, using: &random) }))
        }
        let now = Date(timeIntervalSince1970: 1_700_050_000)
        var compared = 0
        for registry in registries {
            let check = ClusterCheck(registry: registry)
            for proposal in proposals {
                for language in [Language.chinese, .english] {
                    var run = try check.run(
                        proposal, reader: Self.variedInventory, language: language, now: now)
                    for fields in [ResultFields.reference, .extended] {
                        let written = try check.answer(
                            proposal, reader: Self.variedInventory, language: language, now: now, fields: fields)
                        let kept = CheckItemResult.responseBytes(&run.results, fields: fields).array
                        // As text, so that a difference reads as one.
                        #expect(String(decoding: written.array, as: UTF8.self) == String(decoding: kept, as: UTF8.self))
                        #expect(written.array == kept)
                        compared += 1
                    }
                }
            }
        }
        #expect(compared == registries.count * proposals.count * 4)
        // A request's selection (`?checks=`) handed to the run of the whole registry.
        let selection = try catalogue.selecting(["check_hostname", "check_cpu_count"]).get()
        var selected = try ClusterCheck(registry: catalogue).run(
            .on(Array(1...8)), reader: Self.variedInventory, selection: selection, language: .english, now: now)
        let written = try ClusterCheck(registry: catalogue).answer(
            .on(Array(1...8)), reader: Self.variedInventory, selection: selection, language: .english, now: now,
            fields: .extended)
        #expect(selected.results.map(\.name) == ["check_cpu_count", "check_hostname"])
        #expect(written.array == CheckItemResult.responseBytes(&selected.results, fields: .extended).array)
        // The comparison covers warnings, failures with values and fixes, and passes.
        var run = try ClusterCheck(registry: catalogue).run(.on(Array(1...8)), reader: Self.variedInventory, now: now)
        let failures = run.results.flatMap(\.notSuccessNodes)
        #expect(failures.contains { $0.level == .warn } && failures.contains { $0.level == .fail && $0.actual != nil })
        #expect(failures.contains { $0.fix != nil } && run.results.contains { $0.notSuccessNodes.isEmpty })
        #expect(!CheckItemResult.responseBytes(&run.results, fields: .extended).array.isEmpty)
    }

    @Test func anAnswerThatCannotBeMadeThrowsAsTheRunDoes() throws {
        let check = ClusterCheck(registry: Policy().registry())
        #expect(throws: UnknownNodesError.self) {
            try check.answer(.on([1, 99]), reader: Self.variedInventory, fields: .extended)
        }
        let slow = ClusterCheck(
            registry: try CheckRegistry([
                NodeNamesCheck(), SlowCheck(delay: .milliseconds(50)), NodeNamesCheck(name: "check_after"),
            ]))
        #expect(throws: DeadlineExceededError.self) {
            try slow.answer(.on([1]), reader: DemoInventory(), deadline: .now + .milliseconds(20), fields: .reference)
        }
    }

    @Test func messagesUseTheInventoryHostAndNodesAppearOnceInFirstOrder() throws {
        let results = try ClusterCheck(registry: .standard).results(on: DemoInventory(), .on([3, 1, 2, 1, 3]))
        #expect(results[1].notSuccessNodes.map(\.nodeID) == [NodeID(3), NodeID(2)])
        #expect(results[0].notSuccessNodes.map(\.nodeID) == [NodeID(1)])
        #expect(results[0].notSuccessNodes.map(\.message) == ["172.16.70.101 操作系统版本过低, 当前系统版本为 7.1"])
    }

    @Test func manyCheckItemsShareOneLoad() throws {
        let inventory = CountingInventory()
        let registry = try CheckRegistry((0..<20).map { NodeNamesCheck(name: "check_\($0)") })
        let results = try ClusterCheck(registry: registry).results(on: inventory, .on([1, 2, 3]))
        #expect(results.map(\.name) == (0..<20).map { "check_\($0)" })
        #expect(results.allSatisfy { $0.notSuccessNodes.map(\.message) == ["node1", "node2", "node3"] })
        #expect(inventory.recordedCalls.count == 1)
    }

    @Test func anEmptyClusterPassesEveryCheckWithoutAnInventoryCall() throws {
        let inventory = CountingInventory()
        let results = try ClusterCheck(registry: .standard).results(on: inventory, .on([]))
        #expect(
            String(decoding: CheckItemResult.responseBody(results), as: UTF8.self)
                == #"[{"name":"check_os_version","description":"检查操作系统版本","not_success_nodes":[]},{"name":"check_systemd_version","description":"检测 systemd 检查版本 >213 且 != 231","not_success_nodes":[]}]"#
        )
        #expect(inventory.recordedCalls.isEmpty)
    }

    @Test func aRunPastItsDeadlineStopsBeforeTheNextItem() throws {
        let registry = try CheckRegistry([SlowCheck(delay: .milliseconds(50)), NodeNamesCheck()])
        let check = ClusterCheck(registry: registry)
        let inventory = CountingInventory()
        #expect(throws: DeadlineExceededError.self) {
            try check.run(.on([1, 2]), reader: inventory.makeReader(), deadline: .now + .milliseconds(20))
        }
        // Far enough off, and none: every item runs.
        for deadline in [ContinuousClock.now + .seconds(60), nil] {
            let run = try check.run(.on([1, 2]), reader: inventory.makeReader(), deadline: deadline)
            #expect(run.results.map(\.name) == ["check_slow", "check_node_names"])
            #expect(run.results[1].notSuccessNodes.map(\.message) == ["node1", "node2"])
        }
        // A deadline already past: stopped before the first item (this inventory ignores deadlines).
        #expect(throws: DeadlineExceededError.self) {
            try check.run(.on([1, 2]), reader: inventory.makeReader(), deadline: .now - .seconds(1))
        }
    }

    @Test func checkItemsWithTheSameNameAreRefused() {
        #expect(throws: CheckRegistryError.duplicateName("check_os_version")) {
            try CheckRegistry([OSVersionCheck(), SystemdVersionCheck(), OSVersionCheck()])
        }
        #expect(
            CheckRegistryError.duplicateName("x").description
                == "two check items are named \"x\"; check item names must be unique"
        )
        #expect(CheckRegistry.standard.items.map(\.name) == ["check_os_version", "check_systemd_version"])
    }
}

/// An inventory with one node whose facts are given.
struct SingleNodeInventory: NodeInventory, NodeReader {
    let facts: NodeFacts

    func nodes(withIDs ids: [NodeID], deadline: ContinuousClock.Instant?) throws -> [NodeID: Node] {
        [NodeID(1): Node(id: NodeID(1), name: "n", host: "10.1.1.1", facts: facts)]
    }

    func nodes(withIDs ids: [NodeID], reading facts: FactSet, deadline: ContinuousClock.Instant?) throws -> [Node] {
        try nodes(withIDs: ids, deadline: deadline).values.filter { ids.contains($0.id) }.map { $0.keeping(facts) }
    }

    func nodeSummaries(deadline: ContinuousClock.Instant?) throws -> [NodeSummary] {
        [NodeSummary(id: NodeID(1), name: "n", host: "10.1.1.1", factsCollectedAt: facts.collectedAt)]
    }
}

@Suite struct CheckItemRuleTests {
    func failures(_ item: some CheckItem, _ facts: NodeFacts) throws -> [String] {
        let context = RequestContext(
            proposal: .on([1]), reader: SingleNodeInventory(facts: facts), facts: FactSet(item.facts))
        return try item.failures(in: context).map(\.message)
    }

    @Test(arguments: [
        ("7.1", false), ("7.2", true), ("7.2.0", true), ("7.10", true), ("7.9.2009", true), ("6.10", false),
        ("8", true), ("7", false), ("22.04", true),
    ])
    func osVersionsCompareByIntegerParts(version: String, passes: Bool) throws {
        let messages = try failures(OSVersionCheck.reference, NodeFacts(osID: "centos", osVersion: version))
        #expect(messages == (passes ? [] : ["10.1.1.1 操作系统版本过低, 当前系统版本为 \(version)"]))
    }

    @Test(arguments: [(213, false), (214, true), (219, true), (231, false), (232, true), (100, false)])
    func systemdMustBeAbove213AndNot231(version: Int, passes: Bool) throws {
        let messages = try failures(SystemdVersionCheck(), NodeFacts(systemdVersion: version))
        #expect(messages == (passes ? [] : ["10.1.1.1 当前 systemd 版本为:\(version)"]))
    }

    @Test func unknownFactsNeverPass() throws {
        #expect(try failures(OSVersionCheck.reference, NodeFacts()) == ["10.1.1.1 操作系统版本未知"])
        #expect(try failures(OSVersionCheck.reference, NodeFacts(osVersion: "7.x")) == ["10.1.1.1 操作系统版本未知"])
        #expect(try failures(SystemdVersionCheck(), NodeFacts()) == ["10.1.1.1 systemd 版本未知"])
    }
}
