import Foundation
import GRDB
import GRDBSQLite

/// One column of the current row of a statement, read with SQLite's own calls: a request reads every fact of up to
/// thousands of nodes, and no wrapper may stand between.
struct SQLiteColumn {
    let statement: SQLiteStatement
    let index: Int32

    /// SQLite's type of the stored value (`SQLITE_INTEGER`, `SQLITE_TEXT`, ...).
    var type: Int32 { sqlite3_column_type(statement, index) }

    /// An integer value; nil for any other type (a number stored as text included).
    var integer: Int64? { type == SQLITE_INTEGER ? sqlite3_column_int64(statement, index) : nil }

    /// A number, integer or real; nil for any other type.
    var real: Double? {
        switch type {
        case SQLITE_INTEGER, SQLITE_FLOAT: sqlite3_column_double(statement, index)
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
        guard let bytes = sqlite3_column_text(statement, index) else { return nil }
        return body(UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(statement, index))))
    }

    /// The value as text, its type known to be `SQLITE_TEXT`.
    private var storedText: String? {
        guard let bytes = sqlite3_column_text(statement, index) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, index))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// An instant in any of the forms GRDB writes and reads (text, or seconds since 1970).
    var date: Date? {
        // The inventory's own format is read from its bytes; anything else as GRDB reads it.
        if type == SQLITE_TEXT, let bytes = sqlite3_column_text(statement, index),
            let date = StoredDate.date(
                UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(statement, index))))
        {
            return date
        }
        return Date.fromDatabaseValue(DatabaseValue(sqliteStatement: statement, index: index))
    }

    /// The value as a column of `kind` holds it; nil when NULL or of another type (a row edited by hand: 'two
    /// hundred' in an integer column is unknown, not SQLite's silent 0).
    /// - Parameter type: the column's `type`, read once by the caller (which skips NULLs with it): each
    ///   `sqlite3_column_type` is a call into SQLite, and a row of the default catalogue reads 31 columns.
    func factValue(_ kind: FactColumns.Kind, type: Int32) -> FactValue? {
        switch (kind, type) {
        case (.integer, SQLITE_INTEGER), (.boolean, SQLITE_INTEGER), (.limit, SQLITE_INTEGER):
            .integer(sqlite3_column_int64(statement, index))
        case (.real, SQLITE_INTEGER), (.real, SQLITE_FLOAT): .real(sqlite3_column_double(statement, index))
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
