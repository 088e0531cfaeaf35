import GRDB

/// Why the inventory could not be read or changed, in words an operator can act on.
public struct InventoryStoreError: Error, CustomStringConvertible, Sendable {
    public let description: String
    /// The node that does not exist, when that is the error.
    public let unknownNodeID: NodeID?

    init(description: String, unknownNodeID: NodeID? = nil) {
        self.description = description
        self.unknownNodeID = unknownNodeID
    }

    /// There is no database file.
    public static func missing(_ path: String) -> InventoryStoreError {
        .init(
            description: "no inventory at \(path); create one with `fcgi-check nodes add` or `fcgi-check nodes import`")
    }

    /// The id is taken.
    public static func conflict(_ id: NodeID) -> InventoryStoreError {
        .init(description: "node \(id) already exists; use `fcgi-check nodes import` to update it")
    }

    /// There is no such node.
    public static func unknownNode(_ id: NodeID) -> InventoryStoreError {
        .init(description: "no node \(id) in the inventory", unknownNodeID: id)
    }

    /// Maps a GRDB/SQLite error.
    init(_ error: any Error, path: String) {
        guard let error = error as? DatabaseError else {
            self.init(description: "inventory \(path): \(error)")
            return
        }
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            self.init(description: "inventory \(path) is locked by another writer; nothing was changed, try again")
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            self.init(description: "\(path) is not a node inventory database")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH:
            self.init(description: "cannot open inventory \(path): \(error.message ?? "permission denied")")
        default:
            self.init(description: "inventory \(path): \(error.message ?? "\(error.resultCode)")")
        }
    }
}
