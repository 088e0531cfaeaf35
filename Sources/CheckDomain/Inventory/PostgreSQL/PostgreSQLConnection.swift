import CLibPQ
import Foundation

/// libpq's functions, loaded the first time a PostgreSQL inventory is used (CLibPQ's `shim.h` says why).
enum LibPQ {
    /// Loaded by the first call (once, under the runtime's lock), then only read.
    private static let loaded: Result<CLibPQFunctions, PostgreSQLError> = {
        var functions = CLibPQFunctions()
        if let error = clibpq_load(&functions) {
            return .failure(
                PostgreSQLError(
                    message: "a PostgreSQL inventory needs libpq (Debian: apt-get install libpq5): "
                        + String(cString: error)))
        }
        return .success(functions)
    }()

    /// The functions.
    /// - Throws: `PostgreSQLError` when libpq cannot be loaded.
    static func functions() throws(PostgreSQLError) -> CLibPQFunctions { try loaded.get() }
}

/// A PostgreSQL connection through libpq: every `PQ*` call of the project lives in this file, and no other file sees
/// a libpq type.
///
/// libpq is a blocking client: a call waits for the server on the calling thread, which is what an accept thread or
/// a `nodes` command wants.
final class PostgreSQLConnection: @unchecked Sendable {
    // @unchecked: libpq allows a connection to be used by one thread at a time, and no more is done with one: a
    // reader's connection is used only by the accept thread that owns the reader, and the inventory's writer
    // connection only inside its lock. (A connection may thus be handed from one thread to another, never shared.)
    private let connection: OpaquePointer
    private let pq: CLibPQFunctions

    /// Connects with these libpq parameters (`PQconnectdbParams`): `settings` first, then `conninfo` — a libpq URI or
    /// `key=value` string, several hosts allowed — whose own values win over the settings.
    /// - Throws: `PostgreSQLError` when the server cannot be reached or refuses.
    init(conninfo: String, settings: [(String, String)] = []) throws(PostgreSQLError) {
        let pq = try LibPQ.functions()
        self.pq = pq
        let keywords = settings.map(\.0) + ["dbname"]
        let values = settings.map(\.1) + [conninfo]
        let opened = Self.withCStrings(keywords) { keywordPointers in
            Self.withCStrings(values) { valuePointers in
                pq.PQconnectdbParams!(keywordPointers, valuePointers, 1)
            }
        }
        guard let opened else { throw PostgreSQLError(message: "out of memory connecting to PostgreSQL") }
        guard pq.PQstatus!(opened) == CONNECTION_OK else {
            let message = Self.text(pq.PQerrorMessage!(opened))
            pq.PQfinish!(opened)
            throw PostgreSQLError(message: message, isConnectionFailure: true)
        }
        connection = opened
    }

    deinit {
        pq.PQfinish!(connection)
    }

    /// Whether the connection still works as far as libpq knows (it learns of a broken one on the next call).
    var isOpen: Bool { pq.PQstatus!(connection) == CONNECTION_OK }

    /// The server this connection reached, `host:port` (one of several in a multi-host string).
    var server: String { "\(Self.text(pq.PQhost!(connection))):\(Self.text(pq.PQport!(connection)))" }

    /// Runs SQL with text parameters (`$1`, `$2`, …; nil is NULL), or several statements without parameters.
    /// - Throws: `PostgreSQLError` with the server's SQLSTATE.
    @discardableResult
    func execute(_ sql: String, _ parameters: [String?] = []) throws(PostgreSQLError) -> PostgreSQLResult {
        let result: OpaquePointer?
        if parameters.isEmpty {
            result = pq.PQexec!(connection, sql)
        } else {
            result = Self.withOptionalCStrings(parameters) { pointers in
                pq.PQexecParams!(connection, sql, Int32(parameters.count), nil, pointers, nil, nil, 0)
            }
        }
        return try check(result)
    }

    /// Prepares a named statement on this connection.
    func prepare(_ name: String, _ sql: String) throws(PostgreSQLError) {
        try check(pq.PQprepare!(connection, name, sql, 0, nil))
    }

    /// Runs a statement prepared on this connection, with text parameters.
    func executePrepared(_ name: String, _ parameters: [String?]) throws(PostgreSQLError) -> PostgreSQLResult {
        let result = Self.withOptionalCStrings(parameters) { pointers in
            pq.PQexecPrepared!(connection, name, Int32(parameters.count), pointers, nil, nil, 0)
        }
        return try check(result)
    }

    /// A result that succeeded, or the error it carries (its result freed).
    @discardableResult
    private func check(_ result: OpaquePointer?) throws(PostgreSQLError) -> PostgreSQLResult {
        guard let result else {
            throw PostgreSQLError(message: Self.text(pq.PQerrorMessage!(connection)), isConnectionFailure: !isOpen)
        }
        switch pq.PQresultStatus!(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
            return PostgreSQLResult(result, pq)
        default:
            let message = Self.text(pq.PQresultErrorMessage!(result))
            let state = pq.PQresultErrorField!(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            pq.PQclear!(result)
            throw PostgreSQLError(message: message, sqlState: state, isConnectionFailure: !isOpen)
        }
    }

    /// The parts of a connection string worth showing (host, port, database, user, never a password), or nil when it
    /// does not parse.
    /// - Throws: `PostgreSQLError` when libpq cannot be loaded (not the string's fault: the message says so).
    static func describe(_ conninfo: String) throws(PostgreSQLError) -> [String: String]? {
        let pq = try LibPQ.functions()
        var error: UnsafeMutablePointer<CChar>?
        guard let options = pq.PQconninfoParse!(conninfo, &error) else {
            if let error { pq.PQfreemem!(error) }
            return nil
        }
        defer { pq.PQconninfoFree!(options) }
        var parts: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            let name = String(cString: keyword)
            if ["host", "hostaddr", "port", "dbname", "user"].contains(name), let value = option.pointee.val {
                parts[name] = String(cString: value)
            }
            option += 1
        }
        return parts
    }

    private static func text(_ pointer: UnsafePointer<CChar>?) -> String {
        pointer.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
    }

    private static func text(_ pointer: UnsafeMutablePointer<CChar>?) -> String { text(UnsafePointer(pointer)) }

    /// Runs `body` with the strings as an array of C strings.
    private static func withCStrings<Result>(
        _ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> Result
    ) -> Result {
        withOptionalCStrings(strings) { body($0!) }
    }

    /// Runs `body` with the strings (nil: a null pointer) as an array of C strings that live through the call.
    private static func withOptionalCStrings<Result>(
        _ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> Result
    ) -> Result {
        let copies: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0)! } }
        defer { for copy in copies { free(copy) } }
        let pointers = copies.map { UnsafePointer($0) } + [nil]
        return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}

/// The rows of a statement, in libpq's text format; frees its result when done with.
final class PostgreSQLResult {
    private let result: OpaquePointer
    private let pq: CLibPQFunctions

    fileprivate init(_ result: OpaquePointer, _ pq: CLibPQFunctions) {
        self.result = result
        self.pq = pq
    }

    deinit {
        pq.PQclear!(result)
    }

    /// The number of rows.
    var rowCount: Int { Int(pq.PQntuples!(result)) }

    /// The rows a command changed (`UPDATE`, `DELETE`, `INSERT`).
    var changedRows: Int { pq.PQcmdTuples!(result).flatMap { Int(String(cString: $0)) } ?? 0 }

    /// Whether a value is NULL.
    func isNull(_ row: Int, _ column: Int) -> Bool { pq.PQgetisnull!(result, Int32(row), Int32(column)) == 1 }

    /// A value's text; nil when NULL.
    func text(_ row: Int, _ column: Int) -> String? {
        guard !isNull(row, column), let value = pq.PQgetvalue!(result, Int32(row), Int32(column)) else { return nil }
        let length = Int(pq.PQgetlength!(result, Int32(row), Int32(column)))
        return value.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    /// A value read as an integer (from its text, without making a string); nil when NULL or not an integer.
    func integer(_ row: Int, _ column: Int) -> Int64? {
        guard !isNull(row, column), let value = pq.PQgetvalue!(result, Int32(row), Int32(column)) else { return nil }
        let length = Int(pq.PQgetlength!(result, Int32(row), Int32(column)))
        return value.withMemoryRebound(to: UInt8.self, capacity: length) {
            Int64(Substring(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self))
        }
    }
}

/// A PostgreSQL failure: the server's or libpq's message, and the SQLSTATE when the server sent one.
struct PostgreSQLError: Error, CustomStringConvertible {
    /// The message.
    var message: String
    /// The SQLSTATE, e.g. `57014` (a statement cancelled by `statement_timeout`).
    var sqlState: String? = nil
    /// Whether the connection itself failed (refused, lost, reset): it must be made anew.
    var isConnectionFailure = false

    var description: String { sqlState.map { "\(message) (SQLSTATE \($0))" } ?? message }

    /// The statement ran past `statement_timeout`.
    var isTimeout: Bool { sqlState == "57014" }
}
