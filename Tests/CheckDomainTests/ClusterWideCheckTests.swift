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
        let context = RequestContext(
            proposal: proposal, reader: FixedInventory(nodes: nodes), language: language, facts: FactSet(item.facts))
        return try item.failures(in: context)
    }

    @Test func validDistinctPortsPass() throws {
        let found = try findings(
            "check_member_port", [(1, "10.0.0.1", 5432), (1, "10.0.0.1", 5433), (2, "10.0.0.2", 5432)])
        #expect(found.isEmpty)
    }

    /// The quick pass (every port valid, no host given one twice, judged on integers and bytes) never passes what
    /// the full judgement would list: generated proposals of a few members (compared pair by pair) and of more than
    /// `pairedMembers` (sorted by port), over hosts that differ only in case, non-ASCII hosts, ports out of range and
    /// many members on one port.
    @Test func theQuickPassOfMemberPortsNeverPassesWhatTheFullJudgementLists() throws {
        let hosts = ["10.0.0.1", "10.0.0.2", "DB-A", "db-a", "Db-B", "db-@", "db-`", "ÄRGER", "ärger", "İx", "i̇x"]
        let nodes = hosts.enumerated().map { index, host in
            Node(id: NodeID(Int64(index + 1)), name: "n\(index + 1)", host: host, facts: NodeFacts())
        }
        let item = MemberPortCheck()
        var generator = SystemRandomNumberGenerator()
        var quickPasses = 0
        var listed = 0
        var largeQuickPasses = 0
        var largeListed = 0
        for round in 0..<3000 {
            let count: Int
            let ports: [Int64]
            if round % 50 == 0 {
                (count, ports) = (40, [5432])  // many members on one port
            } else if round % 5 == 0 {
                // Past the pairwise limit, on valid ports spread widely enough that many proposals pass.
                count = Int.random(in: (MemberPortCheck.pairedMembers + 1)...24, using: &generator)
                ports = Array(5400...5499)
            } else {
                (count, ports) = (Int.random(in: 1...6, using: &generator), [0, 22, 5432, 5433, 65535, 65536])
            }
            let proposal = ClusterProposal(
                name: "c",
                members: (0..<count).map { index in
                    Member(
                        nodeID: BigInteger(Int64.random(in: 1...Int64(hosts.count), using: &generator)),
                        name: "m\(index + 1)", host: "h",
                        port: BigInteger(ports.randomElement(using: &generator)!))
                })
            let context = RequestContext(proposal: proposal, reader: FixedInventory(nodes: nodes), facts: .all)
            let members = try context.memberNodes()
            let full = item.judged(members, in: context)
            let large = count > MemberPortCheck.pairedMembers
            if item.portsAreValidAndDistinct(in: context) {
                quickPasses += 1
                if large { largeQuickPasses += 1 }
                #expect(full.isEmpty, "\(proposal.members.map { ($0.nodeIDValue, $0.port) }): \(full)")
            }
            if !full.isEmpty {
                listed += 1
                if large { largeListed += 1 }
            }
            #expect(try item.failures(in: context) == full)
        }
        #expect(largeQuickPasses > 100 && largeListed > 20, "\(largeQuickPasses) large passes, \(largeListed) listed")
        // Both ways were taken often.
        #expect(quickPasses > 300 && listed > 300, "\(quickPasses) quick passes, \(listed) listed")
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
        let context = RequestContext(
            proposal: proposal, reader: FixedInventory(nodes: Self.nodes), facts: FactSet(MemberPortCheck().facts))
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

    // MARK: - check_port_in_use

    /// A node with these facts set.
    static func node(_ id: Int64, _ host: String, name: String? = nil, _ set: (inout NodeFacts) -> Void) -> Node {
        var facts = NodeFacts()
        set(&facts)
        return Node(id: NodeID(id), name: name ?? "n\(id)", host: host, facts: facts)
    }

    static let listening = [
        node(1, "10.0.0.1") { $0.listeningTCP = ["0.0.0.0:22", "0.0.0.0:5432", "[::]:5432", "127.0.0.1:15432"] },
        node(2, "10.0.0.2") { $0.listeningTCP = ["0.0.0.0:22", "127.0.0.1:6379"] },
        node(3, "10.0.0.3") { $0.listeningTCP = [] },
        node(4, "10.0.0.4") { _ in },
    ]

    @Test func aPortAlreadyListeningFailsNamingTheAddressesThatHoldIt() throws {
        let found = try findings(
            "check_port_in_use", [(1, "10.0.0.1", 5432), (1, "10.0.0.1", 8080), (2, "10.0.0.2", 5432)],
            nodes: Self.listening)
        #expect(found.map(\.nodeID) == [NodeID(1)])
        #expect(found.first?.message == "10.0.0.1 成员 m1 的端口 5432 已被占用 (监听地址 0.0.0.0:5432, [::]:5432)")
        #expect(found.first?.expected == "5432 free, 8080 free" && found.first?.actual == "0.0.0.0:5432, [::]:5432")
        #expect(found.first?.level == .fail && found.first?.fix == nil)
        // A loopback listener holds the port as surely as a wildcard one; 15432 is not 5432.
        let loopback = try findings(
            "check_port_in_use", [(2, "10.0.0.2", 6379), (2, "10.0.0.2", 6379)], language: .english,
            nodes: Self.listening)
        #expect(
            loopback.first?.message
                == "10.0.0.2 port 6379 of member m1, m2 is already in use (listening on 127.0.0.1:6379)")
        #expect(loopback.first?.expected == "6379 free")
        #expect(try findings("check_port_in_use", [(1, "10.0.0.1", 1543)], nodes: Self.listening).isEmpty)
    }

    @Test func portInUseNothingListeningPassesUnknownIsListedAndBadPortsAreLeftToMemberPort() throws {
        #expect(try findings("check_port_in_use", [(3, "10.0.0.3", 5432)], nodes: Self.listening).isEmpty)
        let unknown = try findings("check_port_in_use", [(4, "10.0.0.4", 5432)], nodes: Self.listening)
        #expect(unknown.map(\.message) == ["10.0.0.4 监听端口未知"] && unknown.first?.level == .fail)
        #expect(
            try findings("check_port_in_use", [(1, "10.0.0.1", 0), (1, "10.0.0.1", 70000)], nodes: Self.listening)
                .isEmpty)
        var policy = Policy()
        var item = policy.item(PortInUseCheck.self)
        item.level = .warn
        policy.set(item)
        let warned = try findings("check_port_in_use", [(1, "h", 22)], policy: policy, nodes: Self.listening)
        #expect(warned.map(\.level) == [.warn])
    }

    /// `check_port_in_use` as it was written first (a dictionary of each node's ports, each with its members' names),
    /// kept here as the oracle of the item's list linked through one array: what it lists, in order, for `members`.
    static func portsInUseAsFirstWritten(
        _ members: [(node: Int64, host: String, port: Int64)], nodes: [Node], language: Language
    ) -> [(node: Int64, message: String, expected: String, actual: String?)] {
        var portsByNode: [Int64: [(port: Int64, members: [String])]] = [:]
        var order: [Int64] = []
        for (index, member) in members.enumerated() where (1...65535).contains(member.port) {
            if !order.contains(member.node) { order.append(member.node) }
            if let at = portsByNode[member.node]?.firstIndex(where: { $0.port == member.port }) {
                portsByNode[member.node]?[at].members.append("m\(index + 1)")
            } else {
                portsByNode[member.node, default: []].append((member.port, ["m\(index + 1)"]))
            }
        }
        var found: [(node: Int64, message: String, expected: String, actual: String?)] = []
        // The member nodes in the order their first member comes, as judgeMemberNodes visits them.
        var visited: [Int64] = []
        for member in members where !visited.contains(member.node) { visited.append(member.node) }
        for id in visited {
            guard let node = nodes.first(where: { $0.id == NodeID(id) }), let ports = portsByNode[id] else { continue }
            let expected = ports.map { "\($0.port) free" }.joined(separator: ", ")
            guard let listening = node.facts.listeningTCP else {
                let message = language == .english ? "\(node.host) listening ports is unknown" : "\(node.host) 监听端口未知"
                found.append((id, message, expected, nil))
                continue
            }
            var parts: [String] = []
            var holders: [String] = []
            for (port, names) in ports {
                let holding = listening.filter { $0.hasSuffix(":\(port)") }
                guard !holding.isEmpty else { continue }
                let who = names.joined(separator: ", ")
                let addresses = holding.joined(separator: ", ")
                parts.append(
                    language == .english
                        ? "port \(port) of member \(who) is already in use (listening on \(addresses))"
                        : "成员 \(who) 的端口 \(port) 已被占用 (监听地址 \(addresses))")
                holders += holding
            }
            guard !parts.isEmpty else { continue }
            found.append(
                (id, "\(node.host) " + parts.joined(separator: "; "), expected, holders.joined(separator: ", ")))
        }
        return found
    }

    /// The item lists what its first writing listed: generated proposals of up to 40 members on 5 nodes (one of
    /// them not in the inventory), several members a node and a port, ports out of range, in both languages; a
    /// node's members found by looking through them up to `PortInUseCheck.searchedMembers`, by node id past it.
    @Test func portInUseListsWhatItsFirstWritingListed() throws {
        var generator = SystemRandomNumberGenerator()
        let ports: [Int64] = [22, 5432, 6379, 8080, 15432, 0, 70000]
        let hosts = ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.9"]
        for _ in 0..<2_000 {
            let members = (0..<Int.random(in: 0...40, using: &generator)).map { _ in
                let node = Int64.random(in: 1...5, using: &generator)
                return (node: node, host: hosts[Int(node) - 1], port: ports.randomElement(using: &generator)!)
            }
            // Node 5 is not in the inventory: the item never sees it (the request would be 422).
            let known = members.filter { $0.node != 5 }
            for language in [Language.chinese, .english] {
                let found = try findings("check_port_in_use", known, language: language, nodes: Self.listening)
                let expected = Self.portsInUseAsFirstWritten(known, nodes: Self.listening, language: language)
                #expect(found.map(\.nodeID) == expected.map { NodeID($0.node) }, "\(known)")
                #expect(found.map(\.message) == expected.map(\.message), "\(known)")
                #expect(found.map(\.expected) == expected.map(\.expected), "\(known)")
                #expect(found.map(\.actual) == expected.map(\.actual), "\(known)")
            }
        }
    }

    // MARK: - check_timezone, check_kernel_uniform

    static let zones = [
        node(1, "10.0.0.1") {
            $0.timezone = "Asia/Shanghai"
            $0.kernelRelease = "3.10.0-1160.el7.x86_64"
        },
        node(2, "10.0.0.2") {
            $0.timezone = "Etc/UTC"
            $0.kernelRelease = "4.18.0-553.el8_10.x86_64"
        },
        node(3, "10.0.0.3") {
            $0.timezone = "Asia/Shanghai"
            $0.kernelRelease = "4.18.0-553.el8_10.x86_64"
        },
        node(4, "10.0.0.4") { _ in },
        node(5, "10.0.0.5") {
            $0.timezone = "Etc/UTC; reboot"
            $0.kernelRelease = "4.18.0-553.el8_10.x86_64"
        },
    ]

    @Test func nodesOutsideTheMajorityTimeZoneFailWithAFix() throws {
        #expect(try findings("check_timezone", [(1, "h", 1), (3, "h", 1)], nodes: Self.zones).isEmpty)
        let found = try findings("check_timezone", [(1, "h", 1), (2, "h", 1), (3, "h", 1)], nodes: Self.zones)
        #expect(found.map(\.nodeID) == [NodeID(2)])
        #expect(found.first?.message == "10.0.0.2 时区为 Etc/UTC, 集群多数节点为 Asia/Shanghai")
        #expect(
            found.first?.fix
                == "timedatectl set-timezone Asia/Shanghai 2>/dev/null || ln -sf /usr/share/zoneinfo/Asia/Shanghai /etc/localtime"
        )
        // A tie goes to the first node's zone.
        let tie = try findings("check_timezone", [(2, "h", 1), (1, "h", 1)], language: .english, nodes: Self.zones)
        #expect(tie.map(\.message) == ["10.0.0.1 time zone is Asia/Shanghai, most nodes use Etc/UTC"])
    }

    @Test func timeZoneUnknownIsListedAndAZoneFromANodeIsNeverRunUnchecked() throws {
        let unknown = try findings("check_timezone", [(1, "h", 1), (4, "h", 1)], nodes: Self.zones)
        #expect(unknown.map(\.message) == ["10.0.0.4 时区未知"] && unknown.first?.level == .fail)
        let hostile = try findings("check_timezone", [(5, "h", 1), (5, "h", 2), (1, "h", 1)], nodes: Self.zones)
        #expect(hostile.map(\.nodeID) == [NodeID(1)] && hostile.first?.fix == nil)
        for zone in ["Etc/UTC; reboot", "../../etc/passwd", "-x", "/etc/passwd", "A B", "$(reboot)"] {
            #expect(TimezoneCheck.fix(zone) == nil, "\(zone)")
        }
        #expect(TimezoneCheck.fix("America/Argentina/Buenos_Aires") != nil)
        #expect(TimezoneCheck.fix("Etc/GMT+8") != nil)
    }

    @Test func nodesOutsideTheMajorityKernelWarn() throws {
        let found = try findings("check_kernel_uniform", [(1, "h", 1), (2, "h", 1), (3, "h", 1)], nodes: Self.zones)
        #expect(found.map(\.nodeID) == [NodeID(1)] && found.map(\.level) == [.warn])
        #expect(found.first?.message == "10.0.0.1 内核版本为 3.10.0-1160.el7.x86_64, 集群多数节点为 4.18.0-553.el8_10.x86_64")
        #expect(found.first?.expected == "4.18.0-553.el8_10.x86_64" && found.first?.fix == nil)
        let unknown = try findings(
            "check_kernel_uniform", [(4, "h", 1), (2, "h", 1)], language: .english, nodes: Self.zones)
        #expect(unknown.map(\.message) == ["10.0.0.4 kernel release is unknown"] && unknown.first?.level == .fail)
        #expect(try findings("check_kernel_uniform", [(2, "h", 1), (3, "h", 1)], nodes: Self.zones).isEmpty)
    }

    /// A node of a cluster-wide item whose fact is unknown expects what most nodes have; when no node's fact is
    /// known there is no majority, and every node is unknown, expecting one value across the cluster.
    @Test func anUnknownNodeExpectsTheMajorityOrWithoutOneASingleValue() throws {
        for (name, nodes, majority, single) in [
            ("check_os_family", Self.nodes, "rhel", "one family"),
            ("check_timezone", Self.zones, "Etc/UTC", "one time zone"),
            ("check_kernel_uniform", Self.zones, "4.18.0-553.el8_10.x86_64", "one kernel release"),
        ] {
            for language in [Language.chinese, .english] {
                let beside = try findings(name, [(4, "h", 1), (2, "h", 1)], language: language, nodes: nodes)
                #expect(beside.map(\.nodeID) == [NodeID(4)] && beside.map(\.expected) == [majority], "\(name)")
                let alone = try findings(name, [(4, "h", 1), (4, "h", 2)], language: language, nodes: nodes)
                #expect(alone.map(\.nodeID) == [NodeID(4)] && alone.map(\.expected) == [single], "\(name)")
                #expect(alone.map(\.level) == [.fail] && alone.first?.actual == nil, "\(name)")
            }
        }
    }

    // MARK: - check_hostname

    static let names = [
        node(1, "10.0.0.1", name: "db1") { $0.hostname = "db1" },
        node(2, "10.0.0.2", name: "db2") { $0.hostname = "DB1" },
        node(3, "10.0.0.3", name: "db3") { $0.hostname = "localhost.localdomain" },
        node(4, "10.0.0.4", name: "db1") { $0.hostname = "localhost" },
        node(5, "10.0.0.5") { _ in },
        node(6, "10.0.0.6", name: "db6") { $0.hostname = "db6" },
    ]

    @Test func hostNamesMustBeUniqueIgnoringCaseAndNotLocalhost() throws {
        #expect(try findings("check_hostname", [(1, "h", 1), (6, "h", 1)], nodes: Self.names).isEmpty)
        let found = try findings(
            "check_hostname", [(1, "h", 1), (2, "h", 1), (3, "h", 1), (4, "h", 1), (6, "h", 1)], nodes: Self.names)
        #expect(found.map(\.nodeID) == [NodeID(1), NodeID(2), NodeID(3), NodeID(4)])
        #expect(found.first?.message == "10.0.0.1 主机名 db1 与节点 10.0.0.2 重复")
        #expect(found[2].message == "10.0.0.3 主机名为 localhost.localdomain")
        // Renamed after its inventory name, unless another node already has that host name (node 4's "db1").
        #expect(found.map(\.fix) == [nil, "hostnamectl set-hostname db2", "hostnamectl set-hostname db3", nil])
        let english = try findings("check_hostname", [(2, "h", 1), (1, "h", 1)], language: .english, nodes: Self.names)
        #expect(english.first?.message == "10.0.0.2 host name DB1 is also the host name of 10.0.0.1")
    }

    @Test func aThousandLocalhostsNameAFewHostsEach() throws {
        let nodes = (1...1000).map { id in
            Self.node(Int64(id), "10.0.\(id / 256).\(id % 256)") { $0.hostname = "localhost" }
        }
        let found = try findings("check_hostname", (1...1000).map { (Int64($0), "h", 1) }, nodes: nodes)
        #expect(found.count == 1000)
        #expect(
            found.first?.message
                == "10.0.0.1 主机名为 localhost, 主机名 localhost 与节点 10.0.0.2, 10.0.0.3, 10.0.0.4, 10.0.0.5, 10.0.0.6 (+994) 重复"
        )
    }

    @Test func hostNameUnknownIsListed() throws {
        let unknown = try findings("check_hostname", [(5, "h", 1), (1, "h", 1)], nodes: Self.names)
        #expect(unknown.map(\.message) == ["10.0.0.5 主机名未知"] && unknown.first?.level == .fail)
    }
}
