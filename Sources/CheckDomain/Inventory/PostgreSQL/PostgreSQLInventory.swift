import Foundation

/// The node inventory in a PostgreSQL database, shared by several service hosts: the same columns and the same
/// one-query-per-request lookup as `SQLiteInventory`, through libpq (`PostgreSQLConnection`).
///
/// Each accept thread reads through a connection of its own (`PostgreSQLNodeReader`: read-only, made on first use,
/// remade after a restart or a failover, bounded by `statement_timeout` and `connect_timeout`). Writes (`nodes ...`,
/// `nodes collect`) go through one writer connection, each change a transaction: all of it or nothing. The connection
/// string is libpq's (`postgresql://user@host:port/db?...` or `host=a,b port=5432,5432 dbname=... ...`): several
/// hosts with `target_session_attrs` fail over to a standby without code of ours.
public final class PostgreSQLInventory: NodeStore {
    /// Every read is a round trip to the server.
    public var readsWaitOnTheNetwork: Bool { true }

    /// What every connection of this inventory is made with.
    struct Settings: Sendable {
        /// The operator's connection string.
        let conninfo: String
        /// The most seconds a connect may take.
        let connectTimeoutSeconds: Int
        /// The most a statement may run (the server cancels it), nil for no limit.
        let statementTimeout: Duration?
        /// Called with the SQL of every statement run (the benchmark counts queries with it).
        let onStatement: (@Sendable (String) -> Void)?

        /// A new connection: a read-only one for lookups, or a writer's.
        func connect(readOnly: Bool, connectTimeoutSeconds: Int? = nil) throws(PostgreSQLError)
            -> PostgreSQLConnection
        {
            let timeout = connectTimeoutSeconds ?? self.connectTimeoutSeconds
            let connection = try PostgreSQLConnection(
                conninfo: conninfo,
                settings: [
                    ("connect_timeout", String(timeout)),
                    ("application_name", "fcgi-check"),
                    // A server that vanishes mid-query (a cut network) is noticed, not waited on for minutes.
                    ("keepalives_idle", "5"), ("keepalives_interval", "2"), ("keepalives_count", "3"),
                ])
            var setup = ["SET client_encoding = 'UTF8'", "SET TIME ZONE 'UTC'"]
            if readOnly { setup.append("SET default_transaction_read_only = on") }
            if let statementTimeout {
                setup.append(
                    "SET statement_timeout = \(max(1, statementTimeout.components.seconds * 1000 + statementTimeout.components.attoseconds / 1_000_000_000_000_000))"
                )
            }
            try connection.execute(setup.joined(separator: "; "))
            return connection
        }
    }

    private let settings: Settings
    private let health = PostgreSQLHealth()
    /// The writer connection, made when first needed; writes are few (commands, one per collected node).
    private let writer = LockedValue<PostgreSQLConnection?>(nil)
    public let displayName: String

    /// Whether `text` names a PostgreSQL database (a libpq URI, or a `key=value` connection string) rather than a
    /// SQLite file.
    public static func isConnectionString(_ text: String) -> Bool {
        if text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") { return true }
        // `host=db1 dbname=inventory`: a first word made of letters and underscores, then `=`.
        guard let equals = text.firstIndex(of: "=") else { return false }
        let keyword = text[..<equals].trimmingCharacters(in: .whitespaces)
        return !keyword.isEmpty && keyword.allSatisfy { $0.isLetter || $0 == "_" }
    }

    /// Opens the inventory: checks that its schema is this build's, creating or upgrading it when allowed.
    /// - Parameters:
    ///   - mode: `.createIfMissing` creates the tables in an empty database; `.existing` refuses a database without
    ///     them.
    ///   - statementTimeout: the most a statement may run (`statement_timeout`); nil for none.
    ///   - connectTimeoutSeconds: the most a connect may take (`connect_timeout`).
    /// - Throws: `InventoryStoreError` saying what is wrong and how to fix it.
    public init(
        conninfo: String,
        mode: InventoryOpenMode,
        statementTimeout: Duration? = nil,
        connectTimeoutSeconds: Int = 5,
        onStatement: (@Sendable (String) -> Void)? = nil
    ) throws(InventoryStoreError) {
        settings = Settings(
            conninfo: conninfo, connectTimeoutSeconds: connectTimeoutSeconds, statementTimeout: statementTimeout,
            onStatement: onStatement)
        displayName = try Self.displayName(of: conninfo)
        try prepareSchema(mode)
    }

    /// A connection string as messages show it: `postgresql://user@host:port/db`, never the password.
    /// - Throws: `InventoryStoreError` when libpq cannot parse it, or cannot be loaded.
    public static func displayName(of conninfo: String) throws(InventoryStoreError) -> String {
        let described: [String: String]?
        do {
            described = try PostgreSQLConnection.describe(conninfo)
        } catch {
            throw InventoryStoreError(description: "--inventory: \(error.message)")
        }
        guard let parts = described else {
            throw InventoryStoreError(description: "--inventory: not a PostgreSQL connection string libpq can read")
        }
        let host = parts["host"] ?? parts["hostaddr"] ?? "localhost"
        let port = parts["port"].map { ":\($0)" } ?? ""
        let user = parts["user"].map { "\($0)@" } ?? ""
        return "postgresql://\(user)\(host)\(port)/\(parts["dbname"] ?? "")"
    }

    public func makeReader() throws -> any NodeReader {
        PostgreSQLNodeReader(settings, health: health)
    }

    // MARK: - Schema

    private func prepareSchema(_ mode: InventoryOpenMode) throws(InventoryStoreError) {
        let current = PostgreSQLSchema.currentVersion
        let applied: Int
        do {
            applied = try withWriter { connection in
                let exists = try connection.execute("SELECT to_regclass('fcgi_check_schema') IS NOT NULL")
                guard exists.text(0, 0) == "t" else { return 0 }
                return Int(
                    try connection.execute("SELECT coalesce(max(version), 0) FROM fcgi_check_schema").integer(0, 0) ?? 0
                )
            }
        } catch {
            throw failure(error)
        }
        if applied == current { return }
        if applied > current {
            throw InventoryStoreError(
                description: "the inventory \(displayName) has schema version \(applied), newer than this fcgi-check's "
                    + "(\(current)): upgrade fcgi-check")
        }
        if applied == 0 && mode == .existing {
            throw InventoryStoreError(
                description: "no inventory in \(displayName); create one with `fcgi-check nodes add` or "
                    + "`fcgi-check nodes import` (as a role that may create tables)")
        }
        do {
            try rawTransaction { connection in
                try connection.execute(PostgreSQLSchema.versionTable)
                try connection.execute("SELECT pg_advisory_xact_lock(\(PostgreSQLSchema.migrationLock))")
                // Read again under the lock: another host may have migrated meanwhile.
                let done = Int(
                    try connection.execute("SELECT coalesce(max(version), 0) FROM fcgi_check_schema").integer(0, 0)
                        ?? 0)
                for migration in PostgreSQLSchema.migrations where migration.version > done {
                    try connection.execute(migration.sql)
                    try connection.execute(
                        "INSERT INTO fcgi_check_schema (version, name) VALUES ($1, $2)",
                        [String(migration.version), migration.name])
                }
            }
        } catch let error as InventoryStoreError {
            throw error
        } catch let error as PostgreSQLError where error.sqlState == "42501" || error.sqlState == "25006" {
            throw InventoryStoreError(
                description: "the inventory \(displayName) needs its schema \(applied == 0 ? "created" : "upgraded") "
                    + "(version \(applied) to \(current)), which this role may not do: run `fcgi-check nodes list` "
                    + "once as the writing role")
        } catch {
            throw failure(error)
        }
    }

    // MARK: - Reading

    public func allNodes() throws(InventoryStoreError) -> [Node] {
        do {
            return try withWriter { connection in
                let sql = "SELECT \(PostgreSQLRow.selectList) FROM node ORDER BY id"
                settings.onStatement?(sql)
                let result = try connection.execute(sql)
                return try (0..<result.rowCount).map { row throws(InventoryStoreError) in
                    try PostgreSQLRow.node(result, row)
                }
            }
        } catch {
            throw failure(error)
        }
    }

    // MARK: - Writing (each call is one transaction: all of it or nothing)

    public func add(_ node: Node) throws(InventoryStoreError) {
        try transaction { connection in
            let taken = try connection.execute("SELECT 1 FROM node WHERE id = $1", [String(node.id.rawValue)])
            if taken.rowCount > 0 { throw InventoryStoreError.conflict(node.id) }
            try upsert(node, replacingFacts: true, on: connection)
        }
    }

    public func upsert(_ nodes: [(node: Node, hasFacts: Bool)]) throws(InventoryStoreError) {
        try transaction { connection in
            for entry in nodes { try upsert(entry.node, replacingFacts: entry.hasFacts, on: connection) }
        }
    }

    public func remove(_ id: NodeID) throws(InventoryStoreError) {
        try transaction { connection in
            let result = try connection.execute("DELETE FROM node WHERE id = $1", [String(id.rawValue)])
            if result.changedRows == 0 { throw InventoryStoreError.unknownNode(id) }
        }
    }

    public func replaceFacts(of id: NodeID, with facts: NodeFacts, at: Date) throws(InventoryStoreError) {
        try transaction { connection in
            var assignments: [String] = []
            var parameters: [String?] = []
            for column in FactColumns.all {
                parameters.append(PostgreSQLRow.parameter(column.value(facts), column.kind))
                assignments.append(
                    "\(column.name) = \(PostgreSQLRow.placeholder(parameters.count, datetime: column.kind == .datetime))"
                )
            }
            parameters.append(PostgreSQLRow.text(at.timeIntervalSince1970))
            let atIndex = parameters.count
            parameters.append(String(id.rawValue))
            let result = try connection.execute(
                "UPDATE node SET \(assignments.joined(separator: ", ")), last_collect_at = "
                    + "\(PostgreSQLRow.placeholder(atIndex, datetime: true)), last_collect_error = NULL "
                    + "WHERE id = $\(parameters.count)",
                parameters)
            if result.changedRows == 0 { throw InventoryStoreError.unknownNode(id) }
        }
    }

    public func recordCollectionFailure(of id: NodeID, error: String, at: Date) throws(InventoryStoreError) {
        try transaction { connection in
            let result = try connection.execute(
                "UPDATE node SET last_collect_at = to_timestamp($1::double precision), last_collect_error = $2 "
                    + "WHERE id = $3",
                [PostgreSQLRow.text(at.timeIntervalSince1970), error, String(id.rawValue)])
            if result.changedRows == 0 { throw InventoryStoreError.unknownNode(id) }
        }
    }

    /// Inserts or updates a node: its name, host and SSH settings always; its facts and last collection only when
    /// `replacingFacts`.
    private func upsert(_ node: Node, replacingFacts: Bool, on connection: PostgreSQLConnection) throws {
        var names = ["id", "name", "host", "ssh_user", "ssh_host", "ssh_port"]
        var parameters: [String?] = [
            String(node.id.rawValue), node.name, node.host, node.sshUser, node.sshHost, node.sshPort.map(String.init),
        ]
        var datetimes: Set<String> = []
        if replacingFacts {
            names += ["last_collect_at", "last_collect_error"]
            parameters += [
                node.lastCollectAt.map { PostgreSQLRow.text($0.timeIntervalSince1970) }, node.lastCollectError,
            ]
            datetimes.insert("last_collect_at")
            for column in FactColumns.all {
                names.append(column.name)
                parameters.append(PostgreSQLRow.parameter(column.value(node.facts), column.kind))
                if column.kind == .datetime { datetimes.insert(column.name) }
            }
        }
        let placeholders = names.enumerated().map { index, name in
            PostgreSQLRow.placeholder(index + 1, datetime: datetimes.contains(name))
        }
        let updates = names.dropFirst().map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", ")
        try connection.execute(
            "INSERT INTO node (\(names.joined(separator: ", "))) VALUES (\(placeholders.joined(separator: ", "))) "
                + "ON CONFLICT (id) DO UPDATE SET \(updates)",
            parameters)
    }

    // MARK: - Connections

    /// Runs `body` in one transaction on the writer connection: committed when it returns, rolled back when it
    /// throws.
    private func transaction(_ body: (PostgreSQLConnection) throws -> Void) throws(InventoryStoreError) {
        do {
            try rawTransaction(body)
        } catch {
            throw failure(error)
        }
    }

    /// `transaction`, its errors as they came.
    private func rawTransaction(_ body: (PostgreSQLConnection) throws -> Void) throws {
        try withWriter { connection in
            try connection.execute("BEGIN")
            do {
                try body(connection)
                try connection.execute("COMMIT")
            } catch {
                if connection.isOpen { _ = try? connection.execute("ROLLBACK") }
                throw error
            }
        }
    }

    /// Runs `body` on the writer connection, made (or remade) as needed; one caller at a time.
    private func withWriter<Result>(_ body: (PostgreSQLConnection) throws -> Result) throws -> Result {
        try writer.withLock { writer in
            if let connection = writer, connection.isOpen { return try body(connection) }
            let connection = try settings.connect(readOnly: false)
            writer = connection
            return try body(connection)
        }
    }

    /// A failure in an operator's words.
    private func failure(_ error: any Error) -> InventoryStoreError {
        if let error = error as? InventoryStoreError { return error }
        if let error = error as? PostgreSQLError {
            if error.isConnectionFailure {
                return InventoryStoreError(description: "cannot reach the inventory \(displayName): \(error.message)")
            }
            return InventoryStoreError(description: "inventory \(displayName): \(error)")
        }
        return InventoryStoreError(description: "inventory \(displayName): \(error)")
    }
}
