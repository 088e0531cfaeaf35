import Foundation
import GRDB

/// The inventory's fact columns, one per fact, and how each is stored: the one table the SQL, the reading and the
/// writing of `SQLiteInventory` are built from, so that a new fact is one line here (and its migration).
///
/// List facts (mounts, sockets, limits rules, kernel settings, governors) are stored as text, one entry per line and
/// its fields separated by tabs (`FactColumns.lines`), not as JSON: a request reads every fact of up to thousands of
/// nodes, and splitting lines costs a fraction of a JSON decoder.
enum FactColumns {
    /// How a column holds its fact.
    enum Kind {
        case text, integer, boolean, real, limit, lines, datetime

        /// The expression a column is read with: a value of the wrong type (put there by hand) reads as NULL, an
        /// unknown fact, since SQLite would otherwise convert it silently ('two hundred' is 0).
        func select(_ name: String) -> String {
            switch self {
            case .integer, .boolean: "CASE WHEN typeof(\(name)) = 'integer' THEN \(name) END"
            case .real: "CASE WHEN typeof(\(name)) IN ('real', 'integer') THEN \(name) END"
            case .limit: "CASE WHEN typeof(\(name)) = 'integer' OR \(name) = 'unlimited' THEN \(name) END"
            case .text, .lines, .datetime: name
            }
        }
    }

    /// A fact's column: its name, kind, and how it is read from and written to `NodeFacts`.
    struct Column: Sendable {
        let name: String
        let kind: Kind
        let read: @Sendable (inout NodeFacts, Row, Int) -> Void
        let value: @Sendable (NodeFacts) -> (any DatabaseValueConvertible)?
    }

    static func text(_ name: String, _ path: any WritableKeyPath<NodeFacts, String?> & Sendable) -> Column {
        Column(
            name: name, kind: .text, read: { $0[keyPath: path] = decoded($1, $2) }, value: { $0[keyPath: path] })
    }
    static func integer<Value: DatabaseValueConvertible & StatementColumnConvertible & Sendable>(
        _ name: String, _ path: any WritableKeyPath<NodeFacts, Value?> & Sendable
    ) -> Column {
        Column(
            name: name, kind: Value.self == Bool.self ? .boolean : (Value.self == Double.self ? .real : .integer),
            read: { $0[keyPath: path] = decoded($1, $2) }, value: { $0[keyPath: path] })
    }
    static func limit(_ name: String, _ path: any WritableKeyPath<NodeFacts, ResourceLimit?> & Sendable) -> Column {
        Column(
            name: name, kind: .limit,
            read: { facts, row, index in
                let stored = row[index] as DatabaseValue
                switch stored.storage {
                case .int64(let value) where value >= 0: facts[keyPath: path] = .limited(value)
                case .string("unlimited"): facts[keyPath: path] = .unlimited
                default: facts[keyPath: path] = nil
                }
            },
            value: { facts in
                switch facts[keyPath: path] {
                case .limited(let value): value
                case .unlimited: "unlimited"
                case nil: nil
                }
            })
    }
    static func lines<Value: Sendable>(
        _ name: String, _ path: any WritableKeyPath<NodeFacts, Value?> & Sendable,
        encode: @escaping @Sendable (Value) -> [[String]], decode: @escaping @Sendable ([[String]]) -> Value?
    ) -> Column {
        Column(
            name: name, kind: .lines,
            read: { facts, row, index in
                facts[keyPath: path] = (decoded(row, index) as String?).flatMap { decode(FactColumns.lines($0)) }
            },
            value: { facts in facts[keyPath: path].map { FactColumns.text(encode($0)) } })
    }

    /// Every fact column, in the order of the SELECT (after the node's own columns).
    static let all: [Column] = [
        text("os_id", \.osID),
        text("os_version", \.osVersion),
        integer("systemd_version", \.systemdVersion),
        text("kernel_release", \.kernelRelease),
        integer("cpu_count", \.cpuCount),
        integer("memory_total_bytes", \.memoryTotalBytes),
        integer("swap_total_bytes", \.swapTotalBytes),
        text("transparent_hugepages", \.transparentHugePages),
        text("selinux_mode", \.selinuxMode),
        integer("clock_synchronized", \.clockSynchronized),
        text("hostname", \.hostname),
        Column(
            name: "facts_collected_at", kind: .datetime, read: { $0.collectedAt = decoded($1, $2) },
            value: { $0.collectedAt }),
        // v2: the facts `nodes collect` gathers.
        text("selinux_config_mode", \.selinuxConfigMode),
        integer("clock_offset_seconds", \.clockOffsetSeconds),
        integer("clock_offset_error_seconds", \.clockOffsetErrorSeconds),
        text("timezone", \.timezone),
        limit("nofile_soft", \.nofileSoft),
        limit("nofile_hard", \.nofileHard),
        limit("nproc_soft", \.nprocSoft),
        limit("nproc_hard", \.nprocHard),
        lines(
            "limits_rules", \.limitsRules,
            encode: { $0.map { [$0.file, $0.domain, $0.type, $0.item, $0.value] } },
            decode: { rows in
                rows.compactMap {
                    $0.count == 5 ? LimitsRule(file: $0[0], domain: $0[1], type: $0[2], item: $0[3], value: $0[4]) : nil
                }
            }),
        lines(
            "sysctl", \.sysctl,
            encode: { $0.sorted { $0.key < $1.key }.map { [$0.key, $0.value] } },
            decode: { rows in
                Dictionary(rows.compactMap { $0.count == 2 ? ($0[0], $0[1]) : nil }, uniquingKeysWith: { $1 })
            }),
        lines("cpu_governors", \.cpuGovernors, encode: { $0.map { [$0] } }, decode: { $0.map { $0.joined() } }),
        lines("listening_tcp", \.listeningTCP, encode: { $0.map { [$0] } }, decode: { $0.map { $0.joined() } }),
        text("firewall", \.firewall),
        lines(
            "mounts", \.mounts,
            encode: {
                $0.map {
                    [
                        $0.mountPoint, $0.device, $0.fsType, $0.options, $0.sizeBytes.map(String.init) ?? "",
                        $0.freeBytes.map(String.init) ?? "",
                    ]
                }
            },
            decode: { rows in
                rows.compactMap { fields in
                    guard fields.count == 6 else { return nil }
                    return Mount(
                        mountPoint: fields[0], device: fields[1], fsType: fields[2], options: fields[3],
                        sizeBytes: Int64(fields[4]), freeBytes: Int64(fields[5]))
                }
            }),
        integer("numa_nodes", \.numaNodes),
        integer("irqbalance_running", \.irqbalanceRunning),
    ]

    /// A value decoded straight from the statement (GRDB's fast path), never through `row[i]`, which traps on a
    /// value it cannot convert: a row edited by hand must never crash a request.
    static func decoded<Value: DatabaseValueConvertible & StatementColumnConvertible>(_ row: Row, _ index: Int)
        -> Value?
    {
        (try? row.decode(Value?.self, atIndex: index)) ?? nil
    }

    // MARK: - The lines codec

    /// Entries as text: one per line, fields separated by tabs, with `\`, tab and newline escaped.
    static func text(_ entries: [[String]]) -> String {
        entries.map { $0.map(escape).joined(separator: "\t") }.joined(separator: "\n")
    }

    /// The entries of `text(_:)`'s form.
    static func lines(_ text: String) -> [[String]] {
        guard !text.isEmpty else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.split(separator: "\t", omittingEmptySubsequences: false).map(unescape)
        }
    }

    private static func escape(_ field: String) -> String {
        guard field.contains(where: { "\\\t\n\r".contains($0) || $0 == "\r\n" }) else { return field }
        var escaped = ""
        for character in field {
            switch character {
            case "\\": escaped += "\\\\"
            case "\t": escaped += "\\t"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\r\n": escaped += "\\r\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    private static func unescape(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var result = ""
        var escaping = false
        for character in field {
            if escaping {
                switch character {
                case "t": result.append("\t")
                case "n": result.append("\n")
                case "r": result.append("\r")
                default: result.append(character)
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}
