import CSQLiteShims
import Foundation
import GRDB
import GRDBSQLite

/// The node inventory in one SQLite file (WAL mode): written through GRDB, read by each thread through a connection
/// of its own (`SQLiteNodeReader`).
///
/// Readers never block each other nor wait for a writer, and each lookup sees only committed changes, so a change
/// made by `fcgi-check nodes ...` is seen by the next request and a request never sees half of one. A request's
/// lookup is one query for all of its ids. The pool opened here stays open while the inventory is in use: it keeps
/// the WAL's shared memory in place for the read-only connections of the readers.
public final class SQLiteInventory: NodeStore {
    /// The database file.
    public let path: String

    /// The database file's path.
    public var displayName: String { path }
    private let pool: DatabasePool
    private let onStatement: (@Sendable (String) -> Void)?
    /// The read transaction the process keeps open on the file while nobody writes it (`SQLiteReadAnchor`), started
    /// with the first reader, stopped with the inventory.
    private let anchor = LockedValue<SQLiteReadAnchor?>(nil)
    /// How often the anchor looks for commits to step aside for (`SQLiteReadAnchor`).
    private let anchorRenewal: Duration

    /// Whether opening may create the file.
    public typealias OpenMode = InventoryOpenMode

    /// Opens (and migrates) an inventory.
    /// - Parameters:
    ///   - busyTimeout: how long a writer waits for another writer before giving up with `.locked`.
    ///   - onStatement: called with the SQL of every statement run (tests count queries with it).
    ///   - anchorRenewal: how often the read transaction a reading process keeps (`SQLiteReadAnchor`) looks for
    ///     commits, to step aside for them.
    /// - Throws: `InventoryStoreError`.
    public init(
        path: String,
        mode: OpenMode,
        busyTimeout: TimeInterval = 5,
        onStatement: (@Sendable (String) -> Void)? = nil,
        anchorRenewal: Duration = .milliseconds(100)
    ) throws(InventoryStoreError) {
        self.path = path
        self.anchorRenewal = anchorRenewal
        self.onStatement = onStatement
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
        Self.applyProcessSettings()
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw InventoryStoreError(error, path: path)
        }
    }

    /// Sets SQLite's process-wide settings before the process opens its first database (later they cannot change):
    /// no memory statistics, whose one process-wide mutex every allocation of every thread's lookup took (about 13 a
    /// request; the lock most contended at 32 connections). Called by everything that opens an inventory file.
    static func applyProcessSettings() {
        _ = CSQLiteShims_applySettings()
    }

    /// Whether SQLite counts its memory (it answers 0 bytes in use when it does not).
    static var keepsMemoryStatistics: Bool { sqlite3_memory_used() != 0 }

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
        migrator.registerMigration("v2: how to reach a node, its last collection, and the facts collect gathers") {
            db in
            try db.alter(table: "node") { table in
                table.add(column: "ssh_user", .text)
                table.add(column: "ssh_host", .text)
                table.add(column: "ssh_port", .integer)
                table.add(column: "last_collect_at", .datetime)
                table.add(column: "last_collect_error", .text)
                for column in FactColumns.all.dropFirst(12) {
                    let type: Database.ColumnType =
                        switch column.kind {
                        case .integer, .boolean: .integer
                        case .real: .double
                        case .text, .lines: .text
                        case .datetime: .datetime
                        // An integer, or the text 'unlimited'.
                        case .limit: .any
                        }
                    table.add(column: column.name, type)
                }
            }
        }
        return migrator
    }

    /// Every column a node is read from, in the order `node(from:)` reads them: id, name and host, the facts
    /// (`FactColumns.all`), then what only `nodes` commands use. A request's lookup reads the first three and some
    /// facts in the same order (`node(from:reading:)`).
    private static let allColumns =
        ["id", "name", "host"] + FactColumns.all.map(\.name)
        + ["ssh_user", "ssh_host", "ssh_port", "last_collect_at", "last_collect_error"]
    /// `allColumns` as a SELECT list.
    static let columns = allColumns.joined(separator: ", ")
    /// `columns`, each with its table's name, for a query that joins another table.
    static let qualifiedColumns = allColumns.map { "node.\($0)" }.joined(separator: ", ")

    // MARK: - Reading

    /// A reader with its own read-only connection, for the calling thread alone (see `SQLiteNodeReader`); the first
    /// also starts the process's `SQLiteReadAnchor`.
    public func makeReader() throws -> any NodeReader {
        let reader = try SQLiteNodeReader(path: path, onStatement: onStatement)
        anchor.withLock { anchor in
            if anchor == nil { anchor = SQLiteReadAnchor(path: path, renewal: anchorRenewal) }
        }
        return reader
    }

    deinit {
        anchor.withLock { $0?.stop() }
    }

    /// Every node, by id.
    public func allNodes() throws(InventoryStoreError) -> [Node] {
        try SQLiteNodeReader(path: path, onStatement: onStatement).allNodes()
    }

    /// A node from the current row of a statement over `columns`. Rows this program wrote always decode; a row edited
    /// by hand (`sqlite3`) may hold a value of the wrong type in any column, which must never crash a request: an
    /// unreadable fact is unknown (the checks list the node, as for a fact never collected), as is a number stored
    /// as text ('two hundred' is not SQLite's silent 0); an unreadable id, name or host fails the lookup (503).
    static func node(from statement: SQLiteStatement) throws(InventoryStoreError) -> Node {
        var node = try node(from: statement, reading: FactColumns.all)
        func column(_ index: Int) -> SQLiteColumn {
            SQLiteColumn(statement: statement, index: Int32(3 + FactColumns.all.count + index))
        }
        node.sshUser = column(0).text
        node.sshHost = column(1).text
        node.sshPort = column(2).integer.flatMap { Int(exactly: $0) }
        node.lastCollectAt = column(3).type == SQLITE_NULL ? nil : column(3).date
        node.lastCollectError = column(4).text
        return node
    }

    /// A node from the current row of a partial lookup (`SQLiteNodeReader.lookupSQL(reading:)`): its id, name and
    /// host, then `columns`' facts; its other facts unknown, as are its SSH settings and last collection.
    static func node(from statement: SQLiteStatement, reading columns: [FactColumns.Column])
        throws(InventoryStoreError) -> Node
    {
        func column(_ index: Int) -> SQLiteColumn { SQLiteColumn(statement: statement, index: Int32(index)) }
        guard let id = column(0).integer, let name = column(1).text, let host = column(2).text else {
            throw InventoryStoreError(description: "the inventory holds a node whose id, name or host is unreadable")
        }
        var facts = NodeFacts()
        for offset in columns.indices {
            let stored = column(3 + offset)
            let type = stored.type
            // An unknown fact (NULL) costs no more than this (the column is not even copied out of the table, which
            // would retain its two closures); a value of another type stays unknown too.
            guard type != SQLITE_NULL else { continue }
            // A list fact is read from the row's bytes: a `String` of the whole column cost an allocation and a
            // check of every byte, and each field is checked again when it becomes one (invalid UTF-8 is repaired
            // the same either way: the lines' separators and escapes are ASCII).
            if type == SQLITE_TEXT, columns[offset].kind == .lines, let readLines = columns[offset].readLines {
                stored.withTextBytes { readLines(&facts, FactLines(bytes: $0)) }
            } else if let value = stored.factValue(columns[offset].kind, type: type) {
                columns[offset].read(&facts, value)
            }
        }
        return Node(id: NodeID(id), name: name, host: host, facts: facts)
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

    /// Replaces a node's facts, collected at `at` (by `nodes collect`, or elsewhere for `nodes facts`), and clears
    /// its last collection error.
    /// - Throws: `.unknownNode` when there is no such node (removed while its facts were being collected).
    public func replaceFacts(of id: NodeID, with facts: NodeFacts, at: Date = Date()) throws(InventoryStoreError) {
        try write { db in
            let assignments = FactColumns.all.map { "\($0.name) = ?" }.joined(separator: ", ")
            try db.execute(
                sql: "UPDATE node SET \(assignments), last_collect_at = ?, last_collect_error = NULL WHERE id = ?",
                arguments: StatementArguments(
                    FactColumns.all.map { $0.value(facts)?.databaseValue ?? .null }
                        + [at.databaseValue, id.rawValue.databaseValue])
            )
            if db.changesCount == 0 { throw InventoryStoreError.unknownNode(id) }
        }
    }

    /// Records that collecting a node's facts failed, keeping the facts it had.
    /// - Throws: `.unknownNode` when there is no such node.
    public func recordCollectionFailure(of id: NodeID, error: String, at: Date) throws(InventoryStoreError) {
        try write { db in
            try db.execute(
                sql: "UPDATE node SET last_collect_at = ?, last_collect_error = ? WHERE id = ?",
                arguments: [at, error, id.rawValue])
            if db.changesCount == 0 { throw InventoryStoreError.unknownNode(id) }
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

    /// Inserts or updates a node: its name, host and SSH settings always; its facts and last collection only when
    /// `replacingFacts` (an import entry without facts keeps the facts the node had).
    private static func upsert(_ node: Node, replacingFacts: Bool, in db: Database) throws {
        var names = ["id", "name", "host", "ssh_user", "ssh_host", "ssh_port"]
        var values: [(any DatabaseValueConvertible)?] = [
            node.id.rawValue, node.name, node.host, node.sshUser, node.sshHost, node.sshPort,
        ]
        if replacingFacts {
            names += ["last_collect_at", "last_collect_error"] + FactColumns.all.map(\.name)
            values +=
                [node.lastCollectAt, node.lastCollectError]
                + FactColumns.all.map { $0.value(node.facts)?.databaseValue ?? .null }
        }
        let updates = names.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        try db.execute(
            sql: """
                INSERT INTO node (\(names.joined(separator: ", "))) \
                VALUES (\(Array(repeating: "?", count: names.count).joined(separator: ", "))) \
                ON CONFLICT(id) DO UPDATE SET \(updates)
                """,
            arguments: StatementArguments(values)
        )
    }
}
