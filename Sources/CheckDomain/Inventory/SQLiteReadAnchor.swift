import Foundation
import GRDB
import GRDBSQLite

/// A read transaction a reading process keeps open on the inventory, renewed every `renewal`, so that the lock a
/// lookup takes on the WAL index is, most of the time, already held by the process.
///
/// Each lookup is a read transaction, and a read transaction in WAL mode holds a shared lock on one of the WAL index's
/// read marks. SQLite's unix VFS counts those locks per process and calls `fcntl` only for the process's first holder
/// and after its last: with the accept threads taking turns on two cores, a lookup nearly always was both, two
/// `fcntl` calls on the `-shm` file (and the kernel's lock on its inode) per request. While the anchor holds the mark
/// of the newest snapshot, a lookup takes and releases it in the process's memory.
///
/// It changes no answer: each lookup still begins its own transaction on the newest committed snapshot (the anchor's
/// older one is never read from). What it holds back is a checkpoint: frames newer than its snapshot cannot be
/// copied into the database file, nor the WAL rewound, while it holds it, so it lets go and begins again every
/// `renewal` (100 ms when serving), which bounds how long a writer's checkpoint waits for it, even when no request comes.
final class SQLiteReadAnchor: Sendable {
    /// How often the transaction is ended and begun again.
    let renewal: Duration
    /// Signalled to stop the thread; it waits on it between renewals.
    private let stopping = DispatchSemaphore(value: 0)
    /// Signalled by the thread once its connection is closed.
    private let stopped = DispatchSemaphore(value: 0)

    /// The connection, handed to the anchor's thread, which alone uses it from then on (SQLite's connections may move
    /// between threads when no two use them at once, and the thread that made it no longer does).
    private struct Connection: @unchecked Sendable {
        let handle: SQLiteConnection
    }

    /// Opens a read-only connection on the inventory, begins its transaction and starts the thread that renews it.
    /// - Throws: `InventoryStoreError` when the file cannot be opened or read.
    init(path: String, renewal: Duration) throws(InventoryStoreError) {
        self.renewal = renewal
        var opened: SQLiteConnection?
        let status = sqlite3_open_v2(path, &opened, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let opened else {
            let error = SQLiteNodeReader.error(status, opened, path: path)
            sqlite3_close_v2(opened)
            throw error
        }
        // A writer recovering the WAL index holds its lock for a moment: wait that moment, not a renewal.
        sqlite3_busy_timeout(opened, 10)
        let beginStatus = Self.begin(opened)
        guard beginStatus == SQLITE_OK else {
            let error = SQLiteNodeReader.error(beginStatus, opened, path: path)
            sqlite3_close_v2(opened)
            throw error
        }
        let connection = Connection(handle: opened)
        let thread = Thread { [renewal, stopping, stopped] in
            let handle = connection.handle
            while stopping.wait(timeout: .now() + .nanoseconds(Int(renewal.clampedNanoseconds))) == .timedOut {
                Self.end(handle)
                // One that cannot begin now (the file being replaced, say) begins at the next renewal.
                _ = Self.begin(handle)
            }
            Self.end(handle)
            sqlite3_close_v2(handle)
            stopped.signal()
        }
        thread.name = "inventory-anchor"
        thread.stackSize = 256 << 10
        thread.start()
    }

    /// Ends the transaction, closes the connection and waits for the thread to end.
    func stop() {
        stopping.signal()
        stopped.wait()
    }

    /// Begins a read transaction: `BEGIN` defers it to the first read, so one read begins it.
    private static func begin(_ connection: SQLiteConnection) -> Int32 {
        let status = sqlite3_exec(connection, "BEGIN", nil, nil, nil)
        guard status == SQLITE_OK else { return status }
        let read = sqlite3_exec(connection, "SELECT 1 FROM node LIMIT 1", nil, nil, nil)
        if read != SQLITE_OK { end(connection) }
        return read
    }

    /// Ends the transaction, if one is open.
    private static func end(_ connection: SQLiteConnection) {
        if sqlite3_get_autocommit(connection) == 0 { sqlite3_exec(connection, "COMMIT", nil, nil, nil) }
    }
}
