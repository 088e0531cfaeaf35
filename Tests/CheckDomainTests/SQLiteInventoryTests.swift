import CSQLiteShims
import Foundation
import GRDBSQLite
import Synchronization
import Testing

@testable import CheckDomain

/// What only the SQLite inventory has: a file that is not an inventory, and rows edited by hand with values of the
/// wrong type (`InventoryStoreTests` covers what every store promises).
@Suite struct SQLiteInventoryTests {
    func temporaryPath() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inventory-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("inventory.sqlite").path
    }

    /// A new inventory file holding a node for each of `ids`, named `node<id>`, facts unknown.
    func inventory(ofNodes ids: [Int64]) throws -> (SQLiteInventory, path: String) {
        let path = try temporaryPath()
        let inventory = try SQLiteInventory(path: path, mode: .createIfMissing)
        try inventory.upsert(
            ids.map { id in
                (Node(id: NodeID(id), name: "node\(id)", host: "10.0.\(id & 0xff).1", facts: NodeFacts()), false)
            })
        return (inventory, path)
    }

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

    @Test func handEditedRowsOfTheWrongTypeNeverCrashALookup() async throws {
        let path = try temporaryPath()
        let inventory = try SQLiteInventory(path: path, mode: .createIfMissing)
        for id in [7, 8, 9] {
            let facts = NodeFacts(osID: "centos", osVersion: "7.9", systemdVersion: 219, cpuCount: 8)
            try inventory.add(Node(id: NodeID(Int64(id)), name: "node\(id)", host: "10.0.0.\(id)", facts: facts))
        }
        // What an operator with sqlite3 might do (SQLite stores what it cannot convert as it is).
        _ = try Python.run(
            """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute("UPDATE node SET systemd_version = 'two hundred', cpu_count = 1e300, "
                       "clock_synchronized = 'maybe', facts_collected_at = 'yesterday' WHERE id = 7")
            db.execute("UPDATE node SET facts_collected_at = -1e300 WHERE id = 8")
            db.execute("UPDATE node SET facts_collected_at = 9e999 WHERE id = 9")
            db.commit()
            """,
            arguments: [path])

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

    /// The lookup reads its ids where they are (`fcgi_check_ids`, bound as a pointer): each id's node once, in any
    /// order, repeated ids and ids of no node included, at the ends of `Int64`, and a thousand at once.
    @Test func theLookupFindsEachBoundIDsNodeWhateverTheIDs() throws {
        let ids = (1...1_000).map { Int64($0) } + [0, -1, .min, .max]
        let (inventory, _) = try inventory(ofNodes: ids)
        let reader = try inventory.makeReader()
        let asked = [Int64.max, 3, 3, 404_404, .min, -1, 0, 1]
        let found = try reader.nodes(withIDs: asked.map(NodeID.init), deadline: nil)
        #expect(found.keys.map(\.rawValue).sorted() == [.min, -1, 0, 1, 3, .max])
        #expect(found.allSatisfy { id, node in node.id == id && node.name == "node\(id.rawValue)" })
        let all = try reader.nodes(withIDs: ids.reversed().map(NodeID.init), reading: .all, deadline: nil)
        #expect(all.map(\.id.rawValue) == ids.reversed())  // in the order asked
        // The same statement again, with other ids: it finds theirs only.
        #expect(try reader.nodes(withIDs: [NodeID(2)], deadline: nil).keys.map(\.rawValue) == [2])
        #expect(try reader.nodes(withIDs: [NodeID(404_404)], deadline: nil).isEmpty)
    }

    /// The lookup's plan is the point of reading the ids in place: the bound ids first, each a seek of `node` by its
    /// primary key, never a scan of the table, on a large inventory and on a tiny one alike.
    @Test(arguments: [1, 1_000])
    func theLookupSeeksEachIDsRowByItsKey(nodeCount: Int) throws {
        let (_, path) = try inventory(ofNodes: (1...Int64(nodeCount)).map { $0 })
        var connection: OpaquePointer?
        #expect(sqlite3_open_v2(path, &connection, SQLITE_OPEN_READONLY, nil) == SQLITE_OK)
        defer { sqlite3_close_v2(connection) }
        #expect(CSQLiteShims_registerIDs(connection) == SQLITE_OK)
        for sql in [SQLiteNodeReader.lookupSQL, SQLiteNodeReader.lookupSQL(reading: FactSet([.osID, .sysctl]))] {
            var statement: OpaquePointer?
            #expect(sqlite3_prepare_v2(connection, "EXPLAIN QUERY PLAN " + sql, -1, &statement, nil) == SQLITE_OK)
            defer { sqlite3_finalize(statement) }
            var plan: [String] = []
            while sqlite3_step(statement) == SQLITE_ROW {
                plan.append(String(cString: sqlite3_column_text(statement, 3)))
            }
            #expect(plan.count == 2, "\(plan)")
            #expect(plan.first?.hasPrefix("SCAN wanted VIRTUAL TABLE") == true, "\(plan)")
            #expect(plan.last?.hasPrefix("SEARCH node USING INTEGER PRIMARY KEY") == true, "\(plan)")
        }
    }

    /// A lookup past its deadline stops (SQLite's progress handler) with the ids still bound, lets go of them, and
    /// leaves the reader as good as new for the next request.
    @Test func aLookupPastItsDeadlineStopsAndTheReaderStaysUsable() throws {
        let (inventory, _) = try inventory(ofNodes: (1...1_000).map { $0 })
        let reader = try inventory.makeReader()
        let ids = (1...1_000).map { NodeID(Int64($0)) }
        #expect(throws: DeadlineExceededError.self) {
            try reader.nodes(withIDs: ids, reading: .all, deadline: .now - .seconds(1))
        }
        #expect(try reader.nodes(withIDs: ids, reading: .all, deadline: .now + .seconds(60)).count == 1_000)
        #expect(try reader.nodes(withIDs: [NodeID(7)], deadline: nil).keys.map(\.rawValue) == [7])
    }

    /// `fcgi_check_ids` reads only a pointer bound by fcgi-check: SQL without one, or with anything else in its
    /// place (a JSON text, a number, a blob), reads no rows; it never reads memory SQL text could name.
    @Test func theIDsFunctionReadsNothingButBoundIDs() throws {
        // SQLite's process-wide settings first, as everything that opens a database here does: this may be the
        // process's first database, after which they can no longer be set.
        SQLiteInventory.applyProcessSettings()
        var connection: OpaquePointer?
        #expect(sqlite3_open_v2(":memory:", &connection, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK)
        defer { sqlite3_close_v2(connection) }
        #expect(CSQLiteShims_registerIDs(connection) == SQLITE_OK)
        func rows(_ sql: String, bind: (OpaquePointer?) -> Void = { _ in }) -> [Int64]? {
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(connection, sql, -1, &statement, nil) == SQLITE_OK else { return nil }
            defer { sqlite3_finalize(statement) }
            bind(statement)
            var values: [Int64] = []
            var status = sqlite3_step(statement)
            while status == SQLITE_ROW {
                values.append(sqlite3_column_int64(statement, 0))
                status = sqlite3_step(statement)
            }
            // Rows only from a run that finished: a statement that failed read none.
            return status == SQLITE_DONE ? values : nil
        }
        #expect(rows("SELECT value FROM fcgi_check_ids") == [])
        #expect(rows("SELECT value FROM fcgi_check_ids(?)") == [])
        #expect(rows("SELECT value FROM fcgi_check_ids('[1,2]')") == [])
        #expect(rows("SELECT value FROM fcgi_check_ids(140737488355328)") == [])
        #expect(rows("SELECT value FROM fcgi_check_ids(x'0100000000000000')") == [])
        let values: [Int64] = [5, -7, 5, .max]
        values.withUnsafeBufferPointer { values in
            var ids = CSQLiteShims_IDs(values: values.baseAddress, count: Int32(values.count))
            withUnsafePointer(to: &ids) { ids in
                var status: [Int32] = []
                let bound = rows("SELECT value FROM fcgi_check_ids(?)") {
                    status.append(CSQLiteShims_bindIDs($0, 1, ids))
                }
                #expect(bound == [5, -7, 5, .max])
                // Bound as a pointer of another type, they are not ids.
                let other = rows("SELECT value FROM fcgi_check_ids(?)") {
                    status.append(sqlite3_bind_pointer($0, 1, UnsafeMutableRawPointer(mutating: ids), "carray", nil))
                }
                #expect(other == [])
                #expect(status == [SQLITE_OK, SQLITE_OK])
            }
        }
    }

    /// SQLite's memory statistics take one process-wide mutex on every allocation of every thread's lookup; they are
    /// off before the first inventory opens (they cannot be turned off once SQLite has initialised).
    @Test func sqliteKeepsNoMemoryStatisticsOnceAnInventoryIsOpen() throws {
        let inventory = try SQLiteInventory(path: try temporaryPath(), mode: .createIfMissing)
        try inventory.add(Node(id: NodeID(1), name: "node1", host: "10.0.0.1", facts: NodeFacts(osID: "centos")))
        let reader = try inventory.makeReader()
        #expect(try reader.nodes(withIDs: [NodeID(1)], reading: .all, deadline: nil).count == 1)
        #expect(!SQLiteInventory.keepsMemoryStatistics)
    }
}
