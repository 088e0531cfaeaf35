import Foundation
import GRDB
import GRDBSQLite

/// One column of the current row of a statement, read with SQLite's own calls: a request reads every fact of up to
/// thousands of nodes, and no wrapper may stand between.
///
/// The column's value is fetched once (`sqlite3_column_value`) and read with the `sqlite3_value_*` calls, which take
/// no lock and check no error: each `sqlite3_column_*` call enters and leaves the connection's mutex and checks for a
/// failed allocation, some 60 instructions, and a text column took three of them (its type, text and length). SQLite
/// calls such a value unprotected and its use outside `sqlite3_result_value` not thread-safe; here the statement and its
/// connection belong to one thread (`SQLiteNodeReader`, opened `SQLITE_OPEN_NOMUTEX`), and the value is read before
/// the statement steps again, while it is valid.
struct SQLiteColumn {
    let statement: SQLiteStatement
    let index: Int32
    /// The column's value in the current row.
    private let value: OpaquePointer?

    init(statement: SQLiteStatement, index: Int32) {
        self.statement = statement
        self.index = index
        value = sqlite3_column_value(statement, index)
    }

    /// SQLite's type of the stored value (`SQLITE_INTEGER`, `SQLITE_TEXT`, ...).
    var type: Int32 { value.map { sqlite3_value_type($0) } ?? SQLITE_NULL }

    /// An integer value; nil for any other type (a number stored as text included).
    var integer: Int64? { type == SQLITE_INTEGER ? sqlite3_value_int64(value) : nil }

    /// A number, integer or real; nil for any other type.
    var real: Double? {
        switch type {
        case SQLITE_INTEGER, SQLITE_FLOAT: sqlite3_value_double(value)
        default: nil
        }
    }

    /// A text value; nil for any other type.
    var text: String? {
        type == SQLITE_TEXT ? storedText : nil
    }

    /// The bytes of a text column, lent to `body` where SQLite keeps them (until the statement moves on); nil when the
    /// column holds no text.
    func withTextBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result? {
        guard type == SQLITE_TEXT, let bytes = storedBytes else { return nil }
        return body(bytes)
    }

    /// The bytes of the value, its type known to be `SQLITE_TEXT` (so that SQLite converts nothing).
    private var storedBytes: UnsafeBufferPointer<UInt8>? {
        guard let bytes = sqlite3_value_text(value) else { return nil }
        return UnsafeBufferPointer(start: bytes, count: Int(sqlite3_value_bytes(value)))
    }

    /// The value as text, its type known to be `SQLITE_TEXT`.
    private var storedText: String? {
        storedBytes.map { String(decoding: $0, as: UTF8.self) }
    }

    /// An instant in any of the forms GRDB writes and reads (text, or seconds since 1970).
    var date: Date? {
        // The inventory's own format is read from its bytes; anything else as GRDB reads it.
        if type == SQLITE_TEXT, let bytes = storedBytes, let date = StoredDate.date(bytes) {
            return date
        }
        return Date.fromDatabaseValue(DatabaseValue(sqliteStatement: statement, index: index))
    }

    /// The value as a column of `kind` holds it; nil when NULL or of another type (a row edited by hand: 'two
    /// hundred' in an integer column is unknown, not SQLite's silent 0).
    /// - Parameter type: the column's `type`, read once by the caller (which skips NULLs with it).
    func factValue(_ kind: FactColumns.Kind, type: Int32) -> FactValue? {
        switch (kind, type) {
        case (.integer, SQLITE_INTEGER), (.boolean, SQLITE_INTEGER), (.limit, SQLITE_INTEGER):
            .integer(sqlite3_value_int64(value))
        case (.real, SQLITE_INTEGER), (.real, SQLITE_FLOAT): .real(sqlite3_value_double(value))
        case (.text, SQLITE_TEXT), (.lines, SQLITE_TEXT), (.limit, SQLITE_TEXT): storedText.map(FactValue.text)
        case (.datetime, _): date.map(FactValue.date)
        default: nil
        }
    }
}

extension FactValue {
    /// The value as GRDB writes it.
    var databaseValue: DatabaseValue {
        switch self {
        case .integer(let value): value.databaseValue
        case .real(let value): value.databaseValue
        case .text(let value): value.databaseValue
        case .date(let value): value.databaseValue
        }
    }
}
