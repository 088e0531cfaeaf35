import Foundation
import Synchronization
import TestSupport
import Testing

@testable import CheckDomain

/// The stores an inventory can be in; every test of `InventoryStoreTests` runs on each.
enum Store: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgresql

    var testDescription: String { rawValue }

    /// One PostgreSQL server for the whole test process (each test gets a database of its own on it).
    static let postgres = Result { try PostgreSQLServer.start() }

    /// Where a new, empty inventory of this store lives: a file path, or a connection string to a new database.
    func newLocation() throws -> String {
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inventory-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return directory.appendingPathComponent("inventory.sqlite").path
        case .postgresql:
            let server = try Self.postgres.get()
            return server.conninfo(database: try server.createDatabase())
        }
    }

    /// Opens an inventory of this store at `location`.
    func open(
        _ location: String, mode: InventoryOpenMode, onStatement: (@Sendable (String) -> Void)? = nil
    ) throws -> any NodeStore {
        switch self {
        case .sqlite: try SQLiteInventory(path: location, mode: mode, onStatement: onStatement)
        case .postgresql: try PostgreSQLInventory(conninfo: location, mode: mode, onStatement: onStatement)
        }
    }

    /// A new, empty inventory.
    func create(onStatement: (@Sendable (String) -> Void)? = nil) throws -> any NodeStore {
        try open(newLocation(), mode: .createIfMissing, onStatement: onStatement)
    }

    /// The text that marks a request's lookup among the statements a store runs.
    var lookupMarker: String {
        switch self {
        case .sqlite: "FROM fcgi_check_ids(?) AS wanted JOIN node"
        case .postgresql: "FROM node WHERE id = ANY($1::bigint[])"
        }
    }
}

/// What every inventory store promises, on SQLite and on PostgreSQL alike: a schema created on demand, one query per
/// request, changes seen by the next request, readers never seeing half a write, all-or-nothing writes, and every fact
/// stored and read back as it was.
@Suite struct InventoryStoreTests {
    final class StatementLog: Sendable {
        let statements = Mutex<[String]>([])
        func record(_ sql: String) { statements.withLock { $0.append(sql) } }
        func count(containing marker: String) -> Int {
            statements.withLock { $0.filter { $0.contains(marker) }.count }
        }
    }

    static let referenceNodes = DemoInventory.nodes.values.sorted { $0.id < $1.id }

    @Test(arguments: Store.allCases)
    func createsItsSchemaWhenAskedAndRefusesAMissingOne(_ store: Store) throws {
        let location = try store.newLocation()
        #expect(throws: InventoryStoreError.self) { try store.open(location, mode: .existing) }
        let created = try store.open(location, mode: .createIfMissing)
        #expect(try created.allNodes().isEmpty)
        // Opening again runs no migration twice.
        #expect(try store.open(location, mode: .existing).allNodes().isEmpty)
    }

    @Test(arguments: Store.allCases)
    func aRequestIsOneQueryForAllItsIds(_ store: Store) throws {
        let log = StatementLog()
        let inventory = try store.create(onStatement: log.record)
        try inventory.upsert(
            (1...1000).map {
                (
                    Node(
                        id: NodeID($0), name: "n\($0)", host: "10.0.\($0 / 256).\($0 % 256)",
                        facts: NodeFacts(osVersion: "7.9", systemdVersion: 219)), true
                )
            })
        let before = log.count(containing: store.lookupMarker)
        let check = ClusterCheck(registry: .standard)
        let reader = try inventory.makeReader()
        do {
            _ = try check.run(ClusterProposal.on(Array(1...1000) + [5000]), reader: reader)
            Issue.record("node 5000 does not exist")
        } catch is UnknownNodesError {}
        #expect(log.count(containing: store.lookupMarker) - before == 1)
        let results = try check.run(.on(Array(1...1000)), reader: reader).results
        #expect(results.allSatisfy { $0.notSuccessNodes.isEmpty })
        #expect(log.count(containing: store.lookupMarker) - before == 2)
        // The store's own count agrees where it keeps one: PostgreSQL's log of the statements it ran.
        if store == .postgresql {
            #expect(try Store.postgres.get().statementCount(containing: "execute fcgi_check_lookup") >= 2)
        }
    }

    /// A request reads only the facts its items declare (`CheckRegistry.facts`): a statement naming just those
    /// columns, prepared once per set on each reader (SQLite keeps at most `partialLookupLimit`; PostgreSQL prepares
    /// that many on a connection and runs further sets unprepared); each set's facts read back exactly as stored, the
    /// others unknown.
    @Test(arguments: Store.allCases)
    func aRequestReadsOnlyTheFactsItsItemsRead(_ store: Store) throws {
        let log = StatementLog()
        let inventory = try store.create(onStatement: log.record)
        try inventory.upsert(Self.referenceNodes.map { ($0, true) })
        let reader = try inventory.makeReader()
        let ids = Self.referenceNodes.map(\.id)
        let reference = CheckRegistry.standard.facts
        #expect(reference == FactSet([.osID, .osVersion, .systemdVersion]))
        let singles = Fact.allCases.map { FactSet([$0]) }
        for facts in [reference, .none, Policy().registry().facts, .all, reference] + singles + [reference] {
            let before = log.statements.withLock { $0.count }
            let read = try reader.nodes(withIDs: ids, reading: facts, deadline: nil)
            let statements = log.statements.withLock { Array($0[before...]) }
            #expect(statements.count == 1 && statements.allSatisfy { $0.contains(store.lookupMarker) })
            #expect(read.map(\.id) == ids)  // in the order asked
            for node in Self.referenceNodes {
                let got = try #require(read.first { $0.id == node.id })
                #expect(got == node.keeping(facts), "\(facts.facts)")
            }
            if let statement = statements.first {
                for column in FactColumns.all {
                    let named = [",", " ", ")"].contains { statement.contains("node.\(column.name)\($0)") }
                    #expect(named == facts.contains(column.fact), "\(column.name) in \(statement)")
                }
            }
        }
        // The whole node, as before, for what is not a request.
        #expect(try reader.nodes(withIDs: ids, deadline: nil).values.sorted { $0.id < $1.id } == Self.referenceNodes)
    }

    @Test func factsAreInTheOrderOfTheirColumns() {
        #expect(FactColumns.all.map(\.fact) == Fact.allCases)
        #expect(FactSet.all.facts == Fact.allCases && FactSet.none.facts.isEmpty)
        #expect(FactSet([.mounts, .osID, .mounts]).facts == [.osID, .mounts])
    }

    /// `GET /nodes`' listing: every node by id, with its facts' collection time and nothing of how to reach it, in one
    /// statement that reads no fact; the lookup of a request is untouched by it.
    @Test(arguments: Store.allCases)
    func aListingIsOneQueryOfEveryNodesSummary(_ store: Store) throws {
        let log = StatementLog()
        let inventory = try store.create(onStatement: log.record)
        let collected = Date(timeIntervalSince1970: 1_700_000_000)
        try inventory.upsert([
            (
                Node(id: NodeID(9), name: "n9", host: "10.0.0.9", facts: NodeFacts(), sshUser: "ops", sshPort: 2222),
                true
            ),
            (Node(id: NodeID(2), name: "n2", host: "10.0.0.2", facts: NodeFacts(collectedAt: collected)), true),
        ])
        let reader = try inventory.makeReader()
        let before = log.statements.withLock { $0.count }
        let summaries = try reader.nodeSummaries(deadline: .now + .seconds(10))
        #expect(
            summaries == [
                NodeSummary(id: NodeID(2), name: "n2", host: "10.0.0.2", factsCollectedAt: collected),
                NodeSummary(id: NodeID(9), name: "n9", host: "10.0.0.9", factsCollectedAt: nil),
            ])
        let listed = log.statements.withLock { Array($0[before...]) }
        #expect(listed.count == 1)
        #expect(listed.allSatisfy { !$0.contains("os_version") && !$0.contains(store.lookupMarker) })
        // Listed again on the same reader, and a lookup after it, work as before.
        #expect(try reader.nodeSummaries(deadline: nil).count == 2)
        #expect(try reader.nodes(withIDs: [NodeID(9)], deadline: nil)[NodeID(9)]?.sshPort == 2222)
        #expect(try store.create().makeReader().nodeSummaries(deadline: nil).isEmpty)
    }

    @Test(arguments: Store.allCases)
    func storedFactsDriveTheChecksAndUnknownFactsFail(_ store: Store) throws {
        let inventory = try store.create()
        try inventory.upsert(Self.referenceNodes.map { ($0, true) })
        try inventory.add(Node(id: NodeID(7), name: "node7", host: "10.0.0.7", facts: NodeFacts()))
        let results = try ClusterCheck(registry: .standard).results(on: inventory, .on([1, 2, 3, 7]))
        #expect(
            results[0].notSuccessNodes.map(\.message) == ["172.16.70.101 操作系统版本过低, 当前系统版本为 7.1", "10.0.0.7 操作系统版本未知"])
        #expect(
            results[1].notSuccessNodes.map(\.message) == [
                "172.16.70.102 当前 systemd 版本为:231", "172.16.70.103 当前 systemd 版本为:231", "10.0.0.7 systemd 版本未知",
            ])
    }

    @Test(arguments: Store.allCases)
    func everyFactIsReadBackAsItWasStored(_ store: Store) throws {
        let inventory = try store.create()
        let collected = Date(timeIntervalSince1970: 1_700_000_000.25)
        var facts = NodeFacts(
            osID: "centos", osVersion: "7.9.2009", systemdVersion: 219, kernelRelease: "3.10.0-1160.el7.x86_64",
            cpuCount: 8, memoryTotalBytes: 16_247_980_032, swapTotalBytes: 0, transparentHugePages: "never",
            selinuxMode: "disabled", clockSynchronized: false, hostname: "db1", collectedAt: collected)
        facts.selinuxConfigMode = "permissive"
        facts.clockOffsetSeconds = -0.125
        facts.clockOffsetErrorSeconds = 0.5
        facts.timezone = "Asia/Shanghai"
        facts.nofileSoft = .limited(1024)
        facts.nofileHard = .unlimited
        facts.nprocSoft = .limited(4096)
        facts.nprocHard = nil
        facts.limitsRules = [
            LimitsRule(file: "/etc/security/limits.conf", domain: "*", type: "soft", item: "nofile", value: "65535"),
            // What no separator or escape may garble: backslashes, tabs, newlines, carriage returns, non-ASCII text.
            LimitsRule(
                file: "/etc/security/limits.d/\\odd\tname.conf", domain: "@数据库", type: "", item: "\r\n",
                value: "a\\"),
        ]
        facts.sysctl = ["vm.swappiness": "1", "net.ipv4.ip_local_port_range": "32768\t60999"]
        facts.cpuGovernors = []
        facts.listeningTCP = ["0.0.0.0:22", "[::]:5432"]
        facts.firewall = "none"
        facts.mounts = [
            Mount(
                mountPoint: "/", device: "/dev/vda1", fsType: "xfs", options: "rw,noatime", sizeBytes: 1 << 40,
                freeBytes: nil)
        ]
        facts.numaNodes = 2
        facts.irqbalanceRunning = true
        let node = Node(
            id: NodeID(42), name: "db1", host: "10.0.0.42", facts: facts, sshUser: "ops", sshHost: "db1.example",
            sshPort: 2222, lastCollectAt: collected, lastCollectError: "was: timed out")
        try inventory.add(node)
        let read = try #require(try inventory.nodes(withIDs: [NodeID(42)])[NodeID(42)])
        #expect(read.facts == facts)
        #expect(read == node)
        #expect(try inventory.allNodes() == [node])
        // Replacing facts clears the last error and stamps the collection.
        let later = Date(timeIntervalSince1970: 1_700_000_600)
        try inventory.replaceFacts(of: NodeID(42), with: NodeFacts(osID: "rhel"), at: later)
        let replaced = try #require(try inventory.allNodes().first)
        #expect(replaced.facts == NodeFacts(osID: "rhel") && replaced.lastCollectAt == later)
        #expect(replaced.lastCollectError == nil && replaced.sshPort == 2222)
        try inventory.recordCollectionFailure(of: NodeID(42), error: "refused", at: later)
        #expect(try inventory.allNodes().first?.lastCollectError == "refused")
    }

    @Test(arguments: Store.allCases)
    func changesAreSeenByTheNextLookupWithoutReopening(_ store: Store) throws {
        let location = try store.newLocation()
        let inventory = try store.open(location, mode: .createIfMissing)
        let serving = try inventory.makeReader()
        #expect(try serving.nodes(withIDs: [NodeID(4)], deadline: nil).isEmpty)
        let admin = try store.open(location, mode: .existing)
        try admin.add(Node(id: NodeID(4), name: "node4", host: "10.0.0.4", facts: NodeFacts()))
        #expect(try serving.nodes(withIDs: [NodeID(4)], deadline: nil)[NodeID(4)]?.facts.systemdVersion == nil)
        try admin.replaceFacts(of: NodeID(4), with: NodeFacts(systemdVersion: 252), at: Date())
        #expect(try serving.nodes(withIDs: [NodeID(4)], deadline: nil)[NodeID(4)]?.facts.systemdVersion == 252)
        try admin.remove(NodeID(4))
        #expect(try serving.nodes(withIDs: [NodeID(4)], deadline: nil).isEmpty)
    }

    @Test(arguments: Store.allCases)
    func readersNeverSeeHalfAWrite(_ store: Store) async throws {
        let inventory = try store.create()
        let ids = (1...50).map { NodeID(Int64($0)) }
        func generation(_ value: Int) -> [(node: Node, hasFacts: Bool)] {
            ids.map { (Node(id: $0, name: "n", host: "h", facts: NodeFacts(cpuCount: value)), true) }
        }
        try inventory.upsert(generation(0))
        let writer = Task.detached {
            for value in 1...100 { try inventory.upsert(generation(value)) }
        }
        // Every read sees one generation for all 50 nodes: a transaction is all or nothing to a reader. Each reading
        // thread has its reader, as each accept thread has.
        let readers = (0..<4).map { _ in
            Task.detached {
                let reader = try inventory.makeReader()
                var seen: [Set<Int?>] = []
                for _ in 0..<50 {
                    seen.append(Set(try reader.nodes(withIDs: ids, deadline: nil).values.map(\.facts.cpuCount)))
                }
                return seen
            }
        }
        for reader in readers {
            for generations in try await reader.value { #expect(generations.count == 1) }
        }
        try await writer.value
        #expect(try inventory.nodes(withIDs: ids).values.allSatisfy { $0.facts.cpuCount == 100 })
    }

    @Test(arguments: Store.allCases)
    func refusedWritesChangeNothing(_ store: Store) throws {
        let inventory = try store.create()
        try inventory.add(Node(id: NodeID(1), name: "a", host: "h", facts: NodeFacts(cpuCount: 4)))
        let before = try inventory.allNodes()
        #expect(throws: InventoryStoreError.self) {
            try inventory.add(Node(id: NodeID(1), name: "again", host: "h", facts: NodeFacts()))
        }
        #expect(throws: InventoryStoreError.self) { try inventory.remove(NodeID(2)) }
        #expect(throws: InventoryStoreError.self) {
            try inventory.replaceFacts(of: NodeID(2), with: NodeFacts(), at: Date())
        }
        #expect(throws: InventoryStoreError.self) {
            try inventory.recordCollectionFailure(of: NodeID(2), error: "x", at: Date())
        }
        #expect(try inventory.allNodes() == before)
        // An import without facts keeps the stored facts.
        try inventory.replaceFacts(of: NodeID(1), with: NodeFacts(systemdVersion: 219), at: Date())
        try inventory.upsert([(Node(id: NodeID(1), name: "renamed", host: "h2", facts: NodeFacts()), false)])
        let node = try #require(try inventory.allNodes().first)
        #expect(node.name == "renamed" && node.host == "h2" && node.facts.systemdVersion == 219)
    }
}
