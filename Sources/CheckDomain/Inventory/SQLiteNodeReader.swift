import CSQLiteShims
import Foundation
import GRDB
import GRDBSQLite

/// One thread's reader of the SQLite inventory: a read-only connection of its own, with the lookup prepared once.
///
/// A lookup is one statement: bind the ids, step through the rows, reset. In WAL mode one statement reads one
/// consistent snapshot, so a request never sees half of a write, and the next request sees every write committed
/// before it began. No lock, queue or thread hop stands between the request and SQLite. A lookup still running at the
/// request's deadline is interrupted (SQLite's progress handler), as is a wait for a lock (its busy handler).
final class SQLiteNodeReader: NodeReader {
    private let path: String
    private let connection: SQLiteConnection
    private let lookup: SQLiteStatement
    /// The lookups that read a node's id, name, host and some facts only, by those facts: one per set of items this
    /// thread has answered (the policy's, each `?checks=` selection's), prepared on first use.
    ///
    /// Unchecked exclusivity here and on `deadline`: a reader belongs to one thread, and no access spans a call that
    /// could reach the property again (SQLite's handlers only read `deadline`, while a lookup steps, between its
    /// writes), so no two accesses overlap; the dynamic checks were a runtime call pair, some 60 instructions, each.
    @exclusivity(unchecked) private var partialLookups: [FactSet: PartialLookup] = [:]
    /// The listing of `GET /nodes`, prepared on its first use: most threads never list.
    private var listing: SQLiteStatement?
    private let onStatement: (@Sendable (String) -> Void)?
    /// The deadline of the lookup in progress; read by SQLite's handlers.
    @exclusivity(unchecked) fileprivate var deadline: ContinuousClock.Instant?

    /// The lookup: one query for all ids, whatever their number (one bound parameter, the ids' memory, read by the
    /// table-valued function `fcgi_check_ids` of `CSQLiteShims`). A join from the ids to the rows by their primary
    /// key: `id IN (SELECT value FROM json_each(?))` built a temporary index of the ids on each run first, which cost
    /// about twice as much for a 3-member request; `json_each(?)` itself had the ids written as JSON, the text copied
    /// and parsed, about 0.3 µs more a lookup than reading them in place.
    static let lookupSQL = sql(columns: SQLiteInventory.qualifiedColumns)

    /// The lookup's SQL, reading `columns` (each with its table's name).
    private static func sql(columns: String) -> String {
        "SELECT \(columns) FROM fcgi_check_ids(?) AS wanted JOIN node ON node.id = wanted.value"
    }

    /// Opens a connection and prepares the lookup.
    /// - Parameter onStatement: called with the SQL of every statement run (tests and the benchmark count them).
    /// - Throws: `InventoryStoreError` when the file cannot be opened or is not an inventory.
    init(path: String, onStatement: (@Sendable (String) -> Void)?) throws(InventoryStoreError) {
        self.path = path
        self.onStatement = onStatement
        SQLiteInventory.applyProcessSettings()
        var opened: SQLiteConnection?
        let status = sqlite3_open_v2(path, &opened, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let opened else {
            let error = Self.error(status, opened, path: path)
            sqlite3_close_v2(opened)
            throw error
        }
        let registered = CSQLiteShims_registerIDs(opened)
        guard registered == SQLITE_OK else {
            let error = Self.error(registered, opened, path: path)
            sqlite3_close_v2(opened)
            throw error
        }
        var prepared: SQLiteStatement?
        let prepareStatus = sqlite3_prepare_v3(
            opened, Self.lookupSQL, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil)
        guard prepareStatus == SQLITE_OK, let prepared else {
            let error = Self.error(prepareStatus, opened, path: path)
            sqlite3_close_v2(opened)
            throw error
        }
        connection = opened
        lookup = prepared
        let me = Unmanaged.passUnretained(self).toOpaque()
        // Every thousand virtual machine steps: a few microseconds apart, a clock read each.
        sqlite3_progress_handler(connection, 1000, { me in me.map(SQLiteNodeReader.isPastDeadline) ?? 0 }, me)
        sqlite3_busy_handler(
            connection,
            { me, _ in
                guard let me, SQLiteNodeReader.isPastDeadline(me) == 0 else { return 0 }
                usleep(1000)
                return 1
            }, me)
    }

    /// A lookup of some facts: the statement, its SQL (for `onStatement`) and the columns it reads after the node's
    /// id, name and host.
    private struct PartialLookup {
        let statement: SQLiteStatement
        let sql: String
        let columns: [FactColumns.Column]
    }

    /// At most this many partial lookups stay prepared: a client choosing ever new `?checks=` selections must not
    /// grow a thread's statements without end.
    static let partialLookupLimit = 16

    /// The SQL of the lookup reading `facts`.
    static func lookupSQL(reading facts: FactSet) -> String {
        let columns = (["id", "name", "host"] + facts.facts.map(\.rawValue)).map { "node.\($0)" }
        return sql(columns: columns.joined(separator: ", "))
    }

    deinit {
        for lookup in partialLookups.values { sqlite3_finalize(lookup.statement) }
        sqlite3_finalize(listing)
        sqlite3_finalize(lookup)
        sqlite3_close_v2(connection)
    }

    /// 1 (stop) when the lookup in progress is past its deadline, for SQLite's handlers.
    fileprivate static func isPastDeadline(_ me: UnsafeMutableRawPointer) -> Int32 {
        let reader = Unmanaged<SQLiteNodeReader>.fromOpaque(me).takeUnretainedValue()
        guard let deadline = reader.deadline else { return 0 }
        return ContinuousClock.now >= deadline ? 1 : 0
    }

    func nodes(withIDs ids: [NodeID], deadline: ContinuousClock.Instant?) throws -> [NodeID: Node] {
        let list = try look(up: ids, with: lookup, sql: Self.lookupSQL, deadline: deadline) { statement in
            try SQLiteInventory.node(from: statement)
        }
        var found = [NodeID: Node](minimumCapacity: list.count)
        for node in list { found[node.id] = node }
        return found
    }

    /// In the order of `ids`: SQLite's plan walks the ids in their order and finds each one's row by its primary key
    /// (a test holds it to that; the request's context would sort out any other order, at the cost of hashing).
    func nodes(withIDs ids: [NodeID], reading facts: FactSet, deadline: ContinuousClock.Instant?) throws -> [Node] {
        guard !ids.isEmpty else { return [] }
        let partial = try partialLookup(reading: facts)
        return try look(up: ids, with: partial.statement, sql: partial.sql, deadline: deadline) { statement in
            try SQLiteInventory.node(from: statement, reading: partial.columns)
        }
    }

    /// The lookup reading `facts`, prepared now if it is not yet.
    private func partialLookup(reading facts: FactSet) throws -> PartialLookup {
        if let prepared = partialLookups[facts] { return prepared }
        if partialLookups.count >= Self.partialLookupLimit {
            for lookup in partialLookups.values { sqlite3_finalize(lookup.statement) }
            partialLookups = [:]
        }
        let sql = Self.lookupSQL(reading: facts)
        var prepared: SQLiteStatement?
        let status = sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil)
        guard status == SQLITE_OK, let prepared else { throw Self.error(status, connection, path: path) }
        let lookup = PartialLookup(
            statement: prepared, sql: sql, columns: facts.facts.map { FactColumns.all[$0.index] })
        partialLookups[facts] = lookup
        return lookup
    }

    /// Runs a lookup for `ids` (bound where they are, for the run), a node from each row, in the rows' order.
    private func look(
        up ids: [NodeID], with statement: SQLiteStatement, sql: String, deadline: ContinuousClock.Instant?,
        node: (SQLiteStatement) throws -> Node
    ) throws -> [Node] {
        guard !ids.isEmpty else { return [] }
        guard let count = Int32(exactly: ids.count) else {
            throw InventoryStoreError(description: "a lookup of \(ids.count) ids is more than one lookup can hold")
        }
        self.deadline = deadline
        defer { self.deadline = nil }
        onStatement?(sql)
        var found: [Node] = []
        found.reserveCapacity(ids.count)
        // The ids are read where they are, so the statement runs inside, and is reset and its parameter cleared (letting
        // go of them) before they go.
        try ids.withUnsafeBufferPointer { ids in
            try ids.withMemoryRebound(to: Int64.self) { values in
                var list = CSQLiteShims_IDs(values: values.baseAddress, count: count)
                try withUnsafePointer(to: &list) { list in
                    defer {
                        sqlite3_reset(statement)
                        sqlite3_clear_bindings(statement)
                    }
                    let bound = CSQLiteShims_bindIDs(statement, 1, list)
                    guard bound == SQLITE_OK else { throw Self.error(bound, connection, path: path) }
                    try step(statement, node) { found.append($0) }
                }
            }
        }
        return found
    }

    /// The listing: the four columns a summary shows, never the facts.
    static let listingSQL = "SELECT id, name, host, facts_collected_at FROM node ORDER BY id"

    func nodeSummaries(deadline: ContinuousClock.Instant?) throws -> [NodeSummary] {
        let statement: SQLiteStatement
        if let listing {
            statement = listing
        } else {
            var prepared: SQLiteStatement?
            let status = sqlite3_prepare_v3(
                connection, Self.listingSQL, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil)
            guard status == SQLITE_OK, let prepared else { throw Self.error(status, connection, path: path) }
            listing = prepared
            statement = prepared
        }
        self.deadline = deadline
        defer {
            self.deadline = nil
            sqlite3_reset(statement)
        }
        onStatement?(Self.listingSQL)
        var summaries: [NodeSummary] = []
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_ROW:
                func column(_ index: Int32) -> SQLiteColumn { SQLiteColumn(statement: statement, index: index) }
                guard let id = column(0).integer, let name = column(1).text, let host = column(2).text else {
                    throw InventoryStoreError(
                        description: "the inventory holds a node whose id, name or host is unreadable")
                }
                summaries.append(
                    NodeSummary(
                        id: NodeID(id), name: name, host: host,
                        factsCollectedAt: column(3).type == SQLITE_NULL ? nil : column(3).date))
            case SQLITE_DONE:
                return summaries
            case SQLITE_INTERRUPT:
                throw DeadlineExceededError()
            case let status:
                throw Self.error(status, connection, path: path)
            }
        }
    }

    /// Every node, by id.
    func allNodes() throws(InventoryStoreError) -> [Node] {
        let sql = "SELECT \(SQLiteInventory.columns) FROM node ORDER BY id"
        var statement: SQLiteStatement?
        let status = sqlite3_prepare_v2(connection, sql, -1, &statement, nil)
        guard status == SQLITE_OK, let statement else { throw Self.error(status, connection, path: path) }
        defer { sqlite3_finalize(statement) }
        onStatement?(sql)
        var nodes: [Node] = []
        do {
            try step(statement, SQLiteInventory.node(from:)) { nodes.append($0) }
        } catch let error as InventoryStoreError {
            throw error
        } catch {
            throw InventoryStoreError(error, path: path)
        }
        return nodes
    }

    /// Steps through a statement's rows, each a node as `node` reads it.
    private func step(
        _ statement: SQLiteStatement, _ node: (SQLiteStatement) throws -> Node, _ body: (Node) -> Void
    ) throws {
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_ROW:
                body(try node(statement))
            case SQLITE_DONE:
                return
            case SQLITE_INTERRUPT:
                throw DeadlineExceededError()
            case let status:
                throw Self.error(status, connection, path: path)
            }
        }
    }

    /// An SQLite failure, in an operator's words.
    static func error(_ status: Int32, _ connection: SQLiteConnection?, path: String) -> InventoryStoreError {
        let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return InventoryStoreError(
            DatabaseError(resultCode: ResultCode(rawValue: status), message: message), path: path)
    }
}
