import Foundation
import GRDB

/// The node inventory in one SQLite file (WAL mode), through GRDB.
///
/// Requests read through a `DatabasePool`: readers never block each other nor wait for a writer, and each lookup
/// sees only committed changes, so a change made by `fcgi-check nodes ...` is seen by the next request and a request
/// never sees half of one. A request's lookup is one query for all of its ids.
public final class SQLiteInventory: NodeInventory {
    /// The database file.
    public let path: String
    private let pool: DatabasePool

    /// Whether opening may create the file.
    public enum OpenMode: Sendable {
        /// The file must exist (serving, listing, removing).
        case existing
        /// The file is created with its schema when missing (adding, importing).
        case createIfMissing
    }

    /// Opens (and migrates) an inventory.
    /// - Parameters:
    ///   - busyTimeout: how long a writer waits for another writer before giving up with `.locked`.
    ///   - onStatement: called with the SQL of every statement run (tests count queries with it).
    /// - Throws: `InventoryStoreError`.
    public init(
        path: String,
        mode: OpenMode,
        busyTimeout: TimeInterval = 5,
        onStatement: (@Sendable (String) -> Void)? = nil
    ) throws(InventoryStoreError) {
        self.path = path
        if mode == .existing && !FileManager.default.fileExists(atPath: path) {
            throw .missing(path)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.foreignKeysEnabled = true
        if let onStatement {
            configuration.prepareDatabase { db in
                db.trace { event in
                    if case .statement(let statement) = event { onStatement(statement.sql) }
                }
            }
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw InventoryStoreError(error, path: path)
        }
    }

    /// The schema, version by version. A new fact is a new nullable column in a new migration: rows stored before it
    /// read it as unknown.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: nodes and their facts") { db in
            try db.create(table: "node") { table in
                table.primaryKey("id", .integer)
                table.column("name", .text).notNull()
                table.column("host", .text).notNull()
                table.column("os_id", .text)
                table.column("os_version", .text)
                table.column("systemd_version", .integer)
                table.column("kernel_release", .text)
                table.column("cpu_count", .integer)
                table.column("memory_total_bytes", .integer)
                table.column("swap_total_bytes", .integer)
                table.column("transparent_hugepages", .text)
                table.column("selinux_mode", .text)
                table.column("clock_synchronized", .boolean)
                table.column("hostname", .text)
                table.column("facts_collected_at", .datetime)
            }
        }
        return migrator
    }

    private static let columns =
        "id, name, host, os_id, os_version, systemd_version, kernel_release, cpu_count, memory_total_bytes, "
        + "swap_total_bytes, transparent_hugepages, selinux_mode, clock_synchronized, hostname, facts_collected_at"

    /// `columns` as read: a number or flag column holding anything but an integer (text or a float put there by
    /// hand) reads as NULL, an unknown fact, since SQLite would otherwise convert it silently ('two hundred' is 0).
    private static let readColumns = columns.split(separator: ",").map { column in
        let name = column.trimmingCharacters(in: .whitespaces)
        let integers = [
            "systemd_version", "cpu_count", "memory_total_bytes", "swap_total_bytes", "clock_synchronized",
        ]
        return integers.contains(name) ? "CASE WHEN typeof(\(name)) = 'integer' THEN \(name) END" : name
    }.joined(separator: ", ")

    // MARK: - Reading

    /// One query for all ids (`id IN (SELECT value FROM json_each(?))`: one bound parameter however many ids).
    public func nodes(withIDs ids: [NodeID]) async throws -> [NodeID: Node] {
        try lookup(ids)
    }

    /// The lookup, synchronous on purpose: one indexed read of a few hundred microseconds at most, cheaper than
    /// GRDB's hop to a reader queue and back. Each reader has its own connection in WAL mode, so concurrent lookups
    /// never wait for each other nor for a writer.
    private func lookup(_ ids: [NodeID]) throws(InventoryStoreError) -> [NodeID: Node] {
        guard !ids.isEmpty else { return [:] }
        let list = "[" + ids.map { String($0.rawValue) }.joined(separator: ",") + "]"
        do {
            // One statement is one consistent snapshot in WAL mode, so no transaction is wrapped around it; the
            // statement is prepared once per reader connection and reused.
            return try pool.unsafeRead { db in
                var found: [NodeID: Node] = [:]
                found.reserveCapacity(ids.count)
                let statement = try db.cachedStatement(
                    sql: "SELECT \(Self.readColumns) FROM node WHERE id IN (SELECT value FROM json_each(?))"
                )
                let rows = try Row.fetchCursor(statement, arguments: [list])
                while let row = try rows.next() {
                    let node = try Self.node(from: row)
                    found[node.id] = node
                }
                return found
            }
        } catch {
            throw InventoryStoreError(error, path: path)
        }
    }

    /// Every node, by id.
    public func allNodes() throws(InventoryStoreError) -> [Node] {
        do {
            return try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT \(Self.readColumns) FROM node ORDER BY id").map {
                    try Self.node(from: $0)
                }
            }
        } catch {
            throw InventoryStoreError(error, path: path)
        }
    }

    /// A node from its row. Rows this program wrote always decode; a row edited by hand (`sqlite3`) may hold a value
    /// of the wrong type in any column, which must never crash a request (GRDB's `row[i]` traps on a value it cannot
    /// convert): an unreadable fact is unknown (the checks list the node, as for a fact never collected), and an
    /// unreadable id, name or host fails the lookup (503).
    private static func node(from row: Row) throws -> Node {
        // Decoded straight from the statement (GRDB's fast path for these types), never through `row[i]`'s trap.
        func fact<Value: DatabaseValueConvertible & StatementColumnConvertible>(_ index: Int) -> Value? {
            (try? row.decode(Value?.self, atIndex: index)) ?? nil
        }
        return Node(
            id: NodeID(try row.decode(Int64.self, atIndex: 0)),
            name: try row.decode(String.self, atIndex: 1),
            host: try row.decode(String.self, atIndex: 2),
            facts: NodeFacts(
                osID: fact(3),
                osVersion: fact(4),
                systemdVersion: fact(5),
                kernelRelease: fact(6),
                cpuCount: fact(7),
                memoryTotalBytes: fact(8),
                swapTotalBytes: fact(9),
                transparentHugePages: fact(10),
                selinuxMode: fact(11),
                clockSynchronized: fact(12),
                hostname: fact(13),
                collectedAt: fact(14)
            )
        )
    }

    // MARK: - Writing (each call is one transaction: all of it or nothing)

    /// Adds a node.
    /// - Throws: `.conflict` when the id is taken.
    public func add(_ node: Node) throws(InventoryStoreError) {
        try write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM node WHERE id = ?", arguments: [node.id.rawValue]) == true {
                throw InventoryStoreError.conflict(node.id)
            }
            try Self.upsert(node, replacingFacts: true, in: db)
        }
    }

    /// Adds or updates nodes in one transaction; a node given without facts keeps the facts it had.
    public func upsert(_ nodes: [(node: Node, hasFacts: Bool)]) throws(InventoryStoreError) {
        try write { db in
            for entry in nodes { try Self.upsert(entry.node, replacingFacts: entry.hasFacts, in: db) }
        }
    }

    /// Removes a node.
    /// - Throws: `.unknownNode` when there is no such node.
    public func remove(_ id: NodeID) throws(InventoryStoreError) {
        try write { db in
            try db.execute(sql: "DELETE FROM node WHERE id = ?", arguments: [id.rawValue])
            if db.changesCount == 0 { throw InventoryStoreError.unknownNode(id) }
        }
    }

    /// Replaces a node's facts.
    /// - Throws: `.unknownNode` when there is no such node.
    public func replaceFacts(of id: NodeID, with facts: NodeFacts) throws(InventoryStoreError) {
        try write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT name, host FROM node WHERE id = ?", arguments: [id.rawValue])
            else { throw InventoryStoreError.unknownNode(id) }
            try Self.upsert(Node(id: id, name: row[0], host: row[1], facts: facts), replacingFacts: true, in: db)
        }
    }

    private func write(_ body: (Database) throws -> Void) throws(InventoryStoreError) {
        do {
            try pool.write(body)
        } catch let error as InventoryStoreError {
            throw error
        } catch {
            throw InventoryStoreError(error, path: path)
        }
    }

    private static func upsert(_ node: Node, replacingFacts: Bool, in db: Database) throws {
        let facts = node.facts
        if replacingFacts {
            try db.execute(
                sql: """
                    INSERT INTO node (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET name = excluded.name, host = excluded.host,
                        os_id = excluded.os_id, os_version = excluded.os_version,
                        systemd_version = excluded.systemd_version, kernel_release = excluded.kernel_release,
                        cpu_count = excluded.cpu_count, memory_total_bytes = excluded.memory_total_bytes,
                        swap_total_bytes = excluded.swap_total_bytes,
                        transparent_hugepages = excluded.transparent_hugepages,
                        selinux_mode = excluded.selinux_mode, clock_synchronized = excluded.clock_synchronized,
                        hostname = excluded.hostname, facts_collected_at = excluded.facts_collected_at
                    """,
                arguments: [
                    node.id.rawValue, node.name, node.host, facts.osID, facts.osVersion, facts.systemdVersion,
                    facts.kernelRelease, facts.cpuCount, facts.memoryTotalBytes, facts.swapTotalBytes,
                    facts.transparentHugePages, facts.selinuxMode, facts.clockSynchronized, facts.hostname,
                    facts.collectedAt,
                ]
            )
        } else {
            try db.execute(
                sql: """
                    INSERT INTO node (id, name, host) VALUES (?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET name = excluded.name, host = excluded.host
                    """,
                arguments: [node.id.rawValue, node.name, node.host]
            )
        }
    }
}
