import Foundation
import Testing

@testable import CheckDomain

/// The items that look at the request's members and at the cluster as a whole.
@Suite struct ClusterWideCheckTests {
    static let nodes = [
        Node(id: NodeID(1), name: "n1", host: "10.0.0.1", facts: NodeFacts(osID: "centos")),
        Node(id: NodeID(2), name: "n2", host: "10.0.0.2", facts: NodeFacts(osID: "rhel")),
        Node(id: NodeID(3), name: "n3", host: "10.0.0.3", facts: NodeFacts(osID: "ubuntu")),
        Node(id: NodeID(4), name: "n4", host: "10.0.0.4", facts: NodeFacts()),
    ]

    func findings(
        _ name: String, _ members: [(node: Int64, host: String, port: Int64)], language: Language = .chinese,
        policy: Policy = Policy(), nodes: [Node] = ClusterWideCheckTests.nodes
    ) throws -> [NodeFailure] {
        let proposal = ClusterProposal(
            name: "c",
            members: members.enumerated().map { index, member in
                Member(
                    nodeID: BigInteger(member.node), name: "m\(index + 1)", host: member.host,
                    port: BigInteger(member.port))
            })
        let item = try #require(policy.item(named: name))
        let context = RequestContext(proposal: proposal, reader: FixedInventory(nodes: nodes), language: language)
        return try item.failures(in: context)
    }

    @Test func validDistinctPortsPass() throws {
        let found = try findings(
            "check_member_port", [(1, "10.0.0.1", 5432), (1, "10.0.0.1", 5433), (2, "10.0.0.2", 5432)])
        #expect(found.isEmpty)
    }

    @Test(arguments: [Int64(0), -1, 65536, 99_999])
    func portsOutsideTheRangeFail(port: Int64) throws {
        let found = try findings("check_member_port", [(1, "10.0.0.1", port)])
        #expect(found.map(\.message) == ["10.0.0.1 成员 m1 的端口 \(port) 不在 1..65535 范围内"])
        #expect(found.first?.level == .fail && found.first?.actual == "m1:\(port)")
    }

    @Test func aPortUsedTwiceOnOneHostFailsOnce() throws {
        let found = try findings(
            "check_member_port", [(1, "10.0.0.1", 5432), (2, "10.0.0.2", 5432), (1, "10.0.0.1", 5432)],
            language: .english)
        #expect(found.map(\.nodeID) == [NodeID(1)])
        #expect(found.first?.message == "10.0.0.1 port 5432 is used by more than one member: m1, m3")
    }

    @Test func twoNodesOnOneHostNamedInDifferentCaseShareItsPorts() throws {
        let nodes = [
            Node(id: NodeID(5), name: "n5", host: "DB-A.example", facts: NodeFacts()),
            Node(id: NodeID(6), name: "n6", host: "db-a.example", facts: NodeFacts()),
        ]
        let found = try findings(
            "check_member_port", [(5, "DB-A.example", 5432), (6, "db-a.example", 5432)], nodes: nodes)
        #expect(found.map(\.nodeID) == [NodeID(5), NodeID(6)])
        #expect(found.first?.message == "DB-A.example 端口 5432 被多个成员使用: m1, m2")
    }

    @Test func hostAndFamilyMismatchesWarnWhenThePolicySaysSo() throws {
        var policy = Policy()
        var host = policy.item(MemberHostCheck.self)
        host.level = .warn
        policy.set(host)
        var family = policy.item(OSFamilyCheck.self)
        family.level = .warn
        policy.set(family)
        let hosts = try findings("check_member_host", [(1, "10.0.0.9", 1)], policy: policy)
        #expect(hosts.map(\.level) == [.warn])
        let families = try findings("check_os_family", [(1, "h", 1), (3, "h", 1), (2, "h", 1)], policy: policy)
        #expect(families.map(\.nodeID) == [NodeID(3)] && families.map(\.level) == [.warn])
        // An unknown fact is never a mere warning.
        let unknown = try findings("check_os_family", [(1, "h", 1), (4, "h", 1)], policy: policy)
        #expect(unknown.map(\.nodeID) == [NodeID(4)] && unknown.map(\.level) == [.fail], "\(unknown)")
    }

    @Test func aHugePortIsInvalidNotACrash() throws {
        let proposal = ClusterProposal(
            name: "c",
            members: [
                Member(
                    nodeID: BigInteger(1), name: "m1", host: "10.0.0.1",
                    port: BigInteger(negative: false, digits: Array("123456789012345678901234567890".utf8)))
            ])
        let context = RequestContext(proposal: proposal, reader: FixedInventory(nodes: Self.nodes))
        let found = try MemberPortCheck().failures(in: context)
        #expect(found.map(\.actual) == ["m1:123456789012345678901234567890"])
    }

    @Test func memberHostMustBeTheInventoryHost() throws {
        #expect(try findings("check_member_host", [(1, "10.0.0.1", 1), (2, "10.0.0.2", 1)]).isEmpty)
        let found = try findings("check_member_host", [(1, "10.0.0.9", 1), (2, "10.0.0.2", 1)])
        #expect(found.map(\.message) == ["10.0.0.1 成员地址与节点地址不一致: m1=10.0.0.9"])
        #expect(found.first?.expected == "10.0.0.1" && found.first?.actual == "10.0.0.9")
    }

    @Test func oneOSFamilyAcrossTheCluster() throws {
        #expect(try findings("check_os_family", [(1, "h", 1), (2, "h", 1)]).isEmpty)
        let mixed = try findings("check_os_family", [(1, "h", 1), (3, "h", 1), (2, "h", 1)])
        #expect(mixed.map(\.nodeID) == [NodeID(3)])
        #expect(mixed.first?.message == "10.0.0.3 操作系统 ubuntu 属于 debian 系列, 集群多数节点为 rhel 系列")
        // A tie goes to the first node's family.
        #expect(try findings("check_os_family", [(3, "h", 1), (1, "h", 1)]).map(\.nodeID) == [NodeID(1)])
    }

    @Test func anUnknownOSIDIsListedNotPassed() throws {
        let found = try findings("check_os_family", [(1, "h", 1), (4, "h", 1)])
        #expect(found.map(\.message) == ["10.0.0.4 操作系统类型未知"])
        let alone = try findings("check_os_family", [(4, "h", 1)])
        #expect(alone.map(\.nodeID) == [NodeID(4)])
    }

    @Test func theWholeCatalogueMakesOneInventoryCallPerRequest() throws {
        let inventory = CountingInventory()
        let results = try ClusterCheck(registry: Policy().registry()).results(on: inventory, .on([1, 2, 3]))
        #expect(results.count == CheckCatalogue.items.count)
        #expect(inventory.recordedCalls.map(Set.init) == [[NodeID(1), NodeID(2), NodeID(3)]])
    }
}
