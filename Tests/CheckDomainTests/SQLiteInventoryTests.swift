import Foundation
import Synchronization
import Testing

@testable import CheckDomain

/// The SQLite inventory: schema from an empty file, one query per request, concurrent readers during writes.
@Suite struct SQLiteInventoryTests {
    final class StatementLog: Sendable {
        let statements = Mutex<[String]>([])
        func record(_ sql: String) { statements.withLock { $0.append(sql) } }
        var nodeLookups: Int {
            statements.withLock { $0.filter { $0.contains("FROM json_each(?) AS wanted JOIN node") }.count }
        }
    }

    func temporaryPath() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inventory-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("inventory.sqlite").path
    }

    static let referenceNodes = DemoInventory.nodes.values.sorted { $0.id < $1.id }

    @Test func createsItsSchemaInAnEmptyFileAndRefusesAMissingOne() throws {
        let path = try temporaryPath()
        #expect(throws: InventoryStoreError.self) { try SQLiteInventory(path: path, mode: .existing) }
        #expect(!FileManager.default.fileExists(atPath: path))
        let created = try SQLiteInventory(path: path, mode: .createIfMissing)
        #expect(try created.allNodes().isEmpty)
        // Opening again runs no migration twice.
        #expect(try SQLiteInventory(path: path, mode: .existing).allNodes().isEmpty)
        // Not an inventory: a clear refusal.
        let garbage = try temporaryPath()
        try Data("definitely not sqlite".utf8).write(to: URL(fileURLWithPath: garbage))
        #expect {
            try SQLiteInventory(path: garbage, mode: .existing)
        } throws: { error in
            (error as? InventoryStoreError)?.description.contains("is not a node inventory database") == true
        }
    }

    @Test func aRequestIsOneQueryForAllItsIds() async throws {
        let path = try temporaryPath()
        let log = StatementLog()
        let inventory = try SQLiteInventory(path: path, mode: .createIfMissing, onStatement: log.record)
        try inventory.upsert(
            (1...1000).map {
                (
                    Node(
                        id: NodeID($0), name: "n\($0)", host: "10.0.\($0 / 256).\($0 % 256)",
                        facts: NodeFacts(osVersion: "7.9", systemdVersion: 219)), true
                )
            })
        let before = log.nodeLookups
        let proposal = ClusterProposal.on(Array(1...1000) + [5000])
        let check = ClusterCheck(registry: .standard)
        let reader = try inventory.makeReader()
        do {
            _ = try check.run(proposal, reader: reader)
            Issue.record("node 5000 does not exist")
        } catch is UnknownNodesError {}
        #expect(log.nodeLookups - before == 1)
        let results = try check.run(.on(Array(1...1000)), reader: reader).results
        #expect(results.allSatisfy { $0.notSuccessNodes.isEmpty })
        #expect(log.nodeLookups - before == 2)
    }

    @Test func storedFactsDriveTheChecksAndUnknownFactsFail() async throws {
        let path = try temporaryPath()
        let inventory = try SQLiteInventory(path: path, mode: .createIfMissing)
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

    @Test func handEditedRowsOfTheWrongTypeNeverCrashALookup() async throws {
        let path = try temporaryPath()
        let inventory = try SQLiteInventory(path: path, mode: .createIfMissing)
        for id in [7, 8, 9] {
            let facts = NodeFacts(osID: "centos", osVersion: "7.9", systemdVersion: 219, cpuCount: 8)
            try inventory.add(Node(id: NodeID(Int64(id)), name: "node\(id)", host: "10.0.0.\(id)", facts: facts))
        }
        // What an operator with sqlite3 might do (SQLite stores what it cannot convert as it is).
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = [
            "python3", "-c",
            """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute("UPDATE node SET systemd_version = 'two hundred', cpu_count = 1e300, "
                       "clock_synchronized = 'maybe', facts_collected_at = 'yesterday' WHERE id = 7")
            db.execute("UPDATE node SET facts_collected_at = -1e300 WHERE id = 8")
            db.execute("UPDATE node SET facts_collected_at = 9e999 WHERE id = 9")
            db.commit()
            """,
            path,
        ]
        try python.run()
        python.waitUntilExit()
        try #require(python.terminationStatus == 0)

        // Unreadable facts are unknown, and the checks list them rather than pass them or crash.
        let nodes = try inventory.nodes(withIDs: [NodeID(7), NodeID(8)])
        let seven = try #require(nodes[NodeID(7)]?.facts)
        #expect(seven.systemdVersion == nil && seven.cpuCount == nil && seven.clockSynchronized == nil)
        #expect(seven.collectedAt == nil && seven.osVersion == "7.9")
        let results = try ClusterCheck(registry: Policy().registry()).results(on: inventory, .on([7, 8, 9]))
        let byName = Dictionary(uniqueKeysWithValues: results.map { ($0.name, $0.notSuccessNodes) })
        #expect(byName["check_systemd_version"]?.map(\.message) == ["10.0.0.7 systemd 版本未知"])
        #expect(byName["check_cpu_count"]?.map(\.nodeID) == [NodeID(7)])
        // Collected in the year -3e292: facts far too old, said in days, not an overflow.
        let freshness = try #require(byName["check_facts_freshness"])
        #expect(freshness.map(\.nodeID) == [NodeID(7), NodeID(8), NodeID(9)])
        #expect(freshness[1].level == .fail && freshness[1].message.contains(" d ") == true, "\(freshness)")
        // Collected at infinity: no instant at all, so unknown, its stored number shown.
        #expect(freshness[2].message == "10.0.0.9 节点信息采集时间未知" && freshness[2].actual == "inf", "\(freshness)")
    }

    @Test func changesAreSeenByTheNextLookupWithoutReopening() async throws {
        let path = try temporaryPath()
        let inventory = try SQLiteInventory(path: path, mode: .createIfMissing)
        let serving = try inventory.makeReader()
        #expect(try serving.nodes(withIDs: [NodeID(4)], deadline: nil).isEmpty)
        let admin = try SQLiteInventory(path: path, mode: .existing)
        try admin.add(Node(id: NodeID(4), name: "node4", host: "10.0.0.4", facts: NodeFacts()))
        #expect(try serving.nodes(withIDs: [NodeID(4)], deadline: nil)[NodeID(4)]?.facts.systemdVersion == nil)
        try admin.replaceFacts(of: NodeID(4), with: NodeFacts(systemdVersion: 252))
        #expect(try serving.nodes(withIDs: [NodeID(4)], deadline: nil)[NodeID(4)]?.facts.systemdVersion == 252)
        try admin.remove(NodeID(4))
        #expect(try serving.nodes(withIDs: [NodeID(4)], deadline: nil).isEmpty)
    }

    @Test func readersNeverSeeHalfAWrite() async throws {
        let path = try temporaryPath()
        let inventory = try SQLiteInventory(path: path, mode: .createIfMissing)
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

    @Test func writesAreAllOrNothing() throws {
        let path = try temporaryPath()
        let inventory = try SQLiteInventory(path: path, mode: .createIfMissing)
        try inventory.add(Node(id: NodeID(1), name: "a", host: "h", facts: NodeFacts()))
        #expect(throws: InventoryStoreError.self) {
            try inventory.add(Node(id: NodeID(1), name: "again", host: "h", facts: NodeFacts()))
        }
        #expect(throws: InventoryStoreError.self) { try inventory.remove(NodeID(2)) }
        #expect(throws: InventoryStoreError.self) { try inventory.replaceFacts(of: NodeID(2), with: NodeFacts()) }
        #expect(try inventory.allNodes().map(\.name) == ["a"])
        // An import without facts keeps the stored facts.
        try inventory.replaceFacts(of: NodeID(1), with: NodeFacts(systemdVersion: 219))
        try inventory.upsert([(Node(id: NodeID(1), name: "renamed", host: "h2", facts: NodeFacts()), false)])
        let node = try #require(try inventory.allNodes().first)
        #expect(node.name == "renamed" && node.host == "h2" && node.facts.systemdVersion == 219)
    }
}
