import Foundation

/// Reading nodes from, and writing facts to, PostgreSQL's text format: the same columns as SQLite's, in the same
/// order (`FactColumns`), turned into the same `FactValue`s.
enum PostgreSQLRow {
    /// The SELECT list of a whole node: id, name and host, the facts, then what only `nodes` commands use, in the
    /// order `node(_:_:)` reads them (a request's lookup reads the first three and some facts: `node(_:_:reading:)`);
    /// instants read as seconds since 1970 (one number to parse, no time zone text).
    static let selectList =
        (["node.id", "node.name", "node.host"] + FactColumns.all.map(selected)
        + ["ssh_user", "ssh_host", "ssh_port", "EXTRACT(EPOCH FROM last_collect_at)", "last_collect_error"])
        .joined(separator: ", ")

    /// A fact's column as a partial lookup selects it (`node.` qualified, instants as seconds since 1970).
    static func selected(_ column: FactColumns.Column) -> String {
        column.kind == .datetime ? "EXTRACT(EPOCH FROM node.\(column.name))" : "node.\(column.name)"
    }

    /// The node of a row of a partial lookup: id, name and host, then `columns`' facts; its other facts unknown, as
    /// are its SSH settings and last collection.
    static func node(_ result: PostgreSQLResult, _ row: Int, reading columns: [FactColumns.Column])
        throws(InventoryStoreError) -> Node
    {
        guard let id = result.integer(row, 0), let name = result.text(row, 1), let host = result.text(row, 2) else {
            throw InventoryStoreError(description: "the inventory holds a node whose id, name or host is unreadable")
        }
        var facts = NodeFacts()
        for (offset, column) in columns.enumerated() {
            let index = 3 + offset
            if !result.isNull(row, index), let value = value(result, row, index, column.kind) {
                column.read(&facts, value)
            }
        }
        return Node(id: NodeID(id), name: name, host: host, facts: facts)
    }

    /// The node of a row of a query over `selectList`.
    static func node(_ result: PostgreSQLResult, _ row: Int) throws(InventoryStoreError) -> Node {
        var node = try node(result, row, reading: FactColumns.all)
        let after = 3 + FactColumns.all.count
        node.sshUser = result.text(row, after)
        node.sshHost = result.text(row, after + 1)
        node.sshPort = result.integer(row, after + 2).flatMap { Int(exactly: $0) }
        node.lastCollectAt = result.text(row, after + 3).flatMap(Double.init).map { Date(timeIntervalSince1970: $0) }
        node.lastCollectError = result.text(row, after + 4)
        return node
    }

    /// A value as a column of `kind` holds it.
    private static func value(_ result: PostgreSQLResult, _ row: Int, _ column: Int, _ kind: FactColumns.Kind)
        -> FactValue?
    {
        switch kind {
        case .integer: return result.integer(row, column).map(FactValue.integer)
        case .boolean: return result.text(row, column).map { .integer($0 == "t" ? 1 : 0) }
        case .real: return result.text(row, column).flatMap(Double.init).map(FactValue.real)
        case .text, .lines: return result.text(row, column).map(FactValue.text)
        case .limit:
            guard let text = result.text(row, column) else { return nil }
            return Int64(text).map(FactValue.integer) ?? .text(text)
        case .datetime:
            return result.text(row, column).flatMap(Double.init).map { .date(Date(timeIntervalSince1970: $0)) }
        }
    }

    /// A value as a text parameter of a column of `kind` (instants as seconds since 1970, for `to_timestamp`).
    static func parameter(_ value: FactValue?, _ kind: FactColumns.Kind) -> String? {
        guard let value else { return nil }
        switch value {
        case .integer(let number): return kind == .boolean ? (number != 0 ? "true" : "false") : String(number)
        case .real(let number): return text(number)
        case .text(let text): return text
        case .date(let date): return text(date.timeIntervalSince1970)
        }
    }

    /// A double as PostgreSQL reads it (`Infinity`, not Swift's `inf`).
    static func text(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number > 0 ? "Infinity" : "-Infinity" }
        return "\(number)"
    }

    /// A column's value placeholder: `$n`, or `to_timestamp($n)` for an instant.
    static func placeholder(_ index: Int, datetime: Bool) -> String {
        datetime ? "to_timestamp($\(index)::double precision)" : "$\(index)"
    }
}
