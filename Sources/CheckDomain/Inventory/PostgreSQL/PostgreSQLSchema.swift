/// The inventory's tables in PostgreSQL, version by version: the same columns as SQLite's (`FactColumns`), each fact a
/// nullable column. A new fact is a new migration here, as in `SQLiteInventory.migrator`.
enum PostgreSQLSchema {
    /// A step of the schema: its version and the SQL that makes it.
    struct Migration {
        let version: Int
        let name: String
        let sql: String
    }

    /// PostgreSQL's type for a fact column.
    static func type(of kind: FactColumns.Kind) -> String {
        switch kind {
        case .integer: "bigint"
        case .boolean: "boolean"
        case .real: "double precision"
        case .text, .lines, .limit: "text"
        case .datetime: "timestamptz"
        }
    }

    /// Every migration, in order.
    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "nodes, how to reach them, their last collection and their facts",
            sql: """
                CREATE TABLE node (
                    id bigint PRIMARY KEY,
                    name text NOT NULL,
                    host text NOT NULL,
                    ssh_user text,
                    ssh_host text,
                    ssh_port integer,
                    last_collect_at timestamptz,
                    last_collect_error text,
                    \(FactColumns.all.map { "\($0.name) \(type(of: $0.kind))" }.joined(separator: ",\n        "))
                )
                """)
    ]

    /// The version this build reads and writes.
    static var currentVersion: Int { migrations.last?.version ?? 0 }

    /// The table that records which migrations ran.
    static let versionTable = """
        CREATE TABLE IF NOT EXISTS fcgi_check_schema (
            version integer PRIMARY KEY,
            name text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """

    /// A lock key all migrators take (`pg_advisory_xact_lock`): two hosts starting at once migrate one after the other.
    static let migrationLock: Int64 = 0x6663_6769_6368_6b01
}
