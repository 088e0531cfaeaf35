import ArgumentParser
import CheckDomain
import Foundation

/// `--inventory PATH|CONNINFO`, shared by every command that uses the node inventory: a SQLite file, or a PostgreSQL
/// database shared by several service hosts (a libpq URI `postgresql://...` or `key=value` connection string).
struct InventoryOptions: ParsableArguments {
    /// Where the inventory lives unless told otherwise.
    static let defaultPath = "/var/lib/fcgi-check/inventory.sqlite"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The node inventory: a SQLite file, or a PostgreSQL connection string (postgresql://user@host/db, or "
                + "host=a,b dbname=... target_session_attrs=...). Default: $FCGI_CHECK_INVENTORY, else "
                + "\(InventoryOptions.defaultPath).",
            valueName: "path|conninfo"
        )
    )
    var inventory: String?

    /// The path or connection string in force.
    var path: String {
        inventory ?? ProcessInfo.processInfo.environment["FCGI_CHECK_INVENTORY"] ?? Self.defaultPath
    }

    /// Whether the inventory is a PostgreSQL database.
    var isPostgreSQL: Bool { PostgreSQLInventory.isConnectionString(path) }

    /// How messages name the inventory in force (a connection string without its password).
    var displayName: String {
        guard isPostgreSQL else { return path }
        return (try? PostgreSQLInventory.displayName(of: path)) ?? "a PostgreSQL database"
    }

    /// Opens the inventory; `onStatement` sees the SQL of every statement it runs.
    /// - Parameter statementTimeout: the most a PostgreSQL statement may run (the serving threads' request timeout).
    func open(
        _ mode: InventoryOpenMode, statementTimeout: Duration? = nil, onStatement: (@Sendable (String) -> Void)? = nil
    ) throws -> any NodeStore {
        if isPostgreSQL {
            return try PostgreSQLInventory(
                conninfo: path, mode: mode, statementTimeout: statementTimeout, onStatement: onStatement)
        }
        if mode == .createIfMissing {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
                throw CommandFailure("the directory of --inventory \(path) does not exist")
            }
        }
        return try SQLiteInventory(path: path, mode: mode, onStatement: onStatement)
    }
}

/// Reads a whole file, or standard input for `-`.
func readInput(_ source: String) throws -> Data {
    if source == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
    guard let data = FileManager.default.contents(atPath: source) else {
        throw CommandFailure("cannot read \(source)")
    }
    return data
}

/// A command that could not do its work (bad input data, a refused change): printed as `Error: …`, exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
