import ArgumentParser
import CheckDomain
import Foundation

/// `--inventory PATH`, shared by every command that uses the node inventory.
struct InventoryOptions: ParsableArguments {
    /// Where the inventory lives unless told otherwise.
    static let defaultPath = "/var/lib/fcgi-check/inventory.sqlite"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The node inventory (SQLite). Default: $FCGI_CHECK_INVENTORY, else \(InventoryOptions.defaultPath).",
            valueName: "path"
        )
    )
    var inventory: String?

    /// The path in force.
    var path: String {
        inventory ?? ProcessInfo.processInfo.environment["FCGI_CHECK_INVENTORY"] ?? Self.defaultPath
    }

    /// Opens the inventory; `onStatement` sees the SQL of every statement it runs.
    func open(_ mode: SQLiteInventory.OpenMode, onStatement: (@Sendable (String) -> Void)? = nil) throws
        -> SQLiteInventory
    {
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
