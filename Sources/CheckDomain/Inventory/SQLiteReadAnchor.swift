import Foundation
import GRDB
import GRDBSQLite

/// A read transaction a reading process keeps open on the inventory while nobody writes it, so that the lock a lookup
/// takes on the WAL index is, most of the time, already held by the process.
///
/// Each lookup is a read transaction, and a read transaction in WAL mode holds a shared lock on one of the WAL index's
/// read marks. SQLite's unix VFS counts those locks per process and calls `fcntl` only for the process's first holder
/// and after its last: with the accept threads taking turns on two cores, a lookup nearly always was both, two
/// `fcntl` calls on the `-shm` file (and the kernel's lock on its inode) per request. While the anchor holds the mark
/// of the newest snapshot, a lookup takes and releases it in the process's memory.
///
/// It changes no answer: each lookup still begins its own transaction on the newest committed snapshot (the anchor's
/// is never read from). What a held snapshot does hold back is a checkpoint: SQLite copies the WAL into the database
/// file (and later starts the WAL again from its beginning) only up to the oldest snapshot still read (none at all
/// while the anchor holds the WAL's first read mark, as it does when the WAL was copied whole), and the checkpoint a
/// writer makes by itself runs right after a commit (once the WAL holds `wal_autocheckpoint` pages), when the anchor's
/// snapshot is always older. So every `renewal` (100 ms when serving) the anchor lets go and looks at the database's version: when something was
/// committed since it last looked, it stays away for that period and makes the checkpoint itself (passive: it waits
/// for nobody and nobody waits for it), so that the WAL is copied whole and can start again; only after a period
/// without a commit does it hold the newest snapshot again. Under a steady writer the anchor is away, and the WAL grows
/// as it would without it.
///
/// The connection is opened, used and closed on the anchor's own thread. If it cannot be opened or a transaction
/// begun (the file being replaced, a writer recovering the WAL index), the anchor tries again a period later; lookups
/// meanwhile take their lock as they would without it.
final class SQLiteReadAnchor: Sendable {
    /// Signalled to stop the thread; it waits on it between periods.
    private let stopping = DispatchSemaphore(value: 0)
    /// Signalled by the thread once its connection is closed.
    private let stopped = DispatchSemaphore(value: 0)
    /// Whether `stop()` was called: the thread is stopped once.
    private let isStopped = LockedValue(false)

    /// Starts the anchor's thread and returns once it has opened its connection and begun its transaction (or failed
    /// to, to try again a period later).
    init(path: String, renewal: Duration) {
        let started = DispatchSemaphore(value: 0)
        let thread = Thread { [stopping, stopped] in
            var anchor = Holder(path: path)
            anchor.start()
            started.signal()
            while stopping.wait(timeout: .now() + .nanoseconds(Int(renewal.clampedNanoseconds))) == .timedOut {
                anchor.renew()
            }
            anchor.close()
            stopped.signal()
        }
        thread.name = "inventory-anchor"
        thread.stackSize = 256 << 10
        thread.start()
        started.wait()
    }

    deinit {
        stop()
    }

    /// Ends the transaction, closes the connection and waits for the thread to end; later calls do nothing.
    func stop() {
        let first = isStopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        stopping.signal()
        stopped.wait()
    }

    /// The connection and what the anchor last saw of the database, owned by the anchor's thread.
    private struct Holder: ~Copyable {
        let path: String
        private var connection: SQLiteConnection?
        /// `PRAGMA data_version` when the anchor last looked: it changes when another connection commits.
        private var lastVersion: Int64?

        init(path: String) {
            self.path = path
        }

        /// Notes the database's version and holds its newest snapshot.
        mutating func start() {
            guard let connection = open() else { return }
            lastVersion = Self.dataVersion(connection)
            hold()
        }

        /// Opens the connection if it is not open, and begins a read transaction on the newest snapshot.
        mutating func hold() {
            guard let connection = open() else { return }
            guard sqlite3_exec(connection, "BEGIN", nil, nil, nil) == SQLITE_OK else { return }
            // `BEGIN` defers the transaction to the first read.
            if sqlite3_exec(connection, "SELECT 1 FROM node LIMIT 1", nil, nil, nil) != SQLITE_OK { letGo() }
        }

        /// One period's turn: lets go, then holds again if nothing was committed since the last turn, or else makes a
        /// checkpoint and stays away for a period.
        mutating func renew() {
            letGo()
            guard let connection = open() else { return }
            let version = Self.dataVersion(connection)
            if version != nil && version == lastVersion {
                hold()
            } else {
                // A checkpoint that copied only part of the WAL (another checkpoint under way, a reader on an older
                // snapshot, another worker's anchor) is tried again next period rather than held over.
                var frames: Int32 = 0
                var copied: Int32 = 0
                let status = sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied)
                lastVersion = status == SQLITE_OK && copied == frames ? version : nil
            }
        }

        /// Ends the transaction and closes the connection.
        mutating func close() {
            letGo()
            sqlite3_close_v2(connection)
            connection = nil
        }

        /// Ends the transaction, if one is open.
        private func letGo() {
            guard let connection, sqlite3_get_autocommit(connection) == 0 else { return }
            sqlite3_exec(connection, "COMMIT", nil, nil, nil)
        }

        /// The connection, opened now if it is not open: read and write, for the checkpoint (the anchor writes no
        /// row). Nil when the file cannot be opened.
        private mutating func open() -> SQLiteConnection? {
            if let connection { return connection }
            var opened: SQLiteConnection?
            guard sqlite3_open_v2(path, &opened, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK,
                let opened
            else {
                sqlite3_close_v2(opened)
                return nil
            }
            // A writer recovering the WAL index holds its lock for a moment: wait that moment, not a period.
            sqlite3_busy_timeout(opened, 10)
            connection = opened
            return opened
        }

        /// The database's version as this connection sees it (a read of its own); nil when it cannot be read.
        private static func dataVersion(_ connection: SQLiteConnection) -> Int64? {
            var statement: SQLiteStatement?
            guard sqlite3_prepare_v2(connection, "PRAGMA data_version", -1, &statement, nil) == SQLITE_OK else {
                return nil
            }
            defer { sqlite3_finalize(statement) }
            return sqlite3_step(statement) == SQLITE_ROW ? sqlite3_column_int64(statement, 0) : nil
        }
    }
}
