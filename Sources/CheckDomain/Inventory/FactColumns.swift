import Foundation

/// The inventory's fact columns, one per fact, and how each is stored: the one table the SQL, the reading and the
/// writing of every store (`SQLiteInventory`, `PostgreSQLInventory`) are built from, so that a new fact is one line
/// here (and its migration in each store).
///
/// List facts (mounts, sockets, limits rules, kernel settings, governors) are stored as text, one entry per line and
/// its fields separated by tabs (`FactColumns.text(_:)`, read by `FactLines`), not as JSON: a request reads every fact of up to thousands of
/// nodes, and splitting lines costs a fraction of a JSON decoder.
enum FactColumns {
    /// How a column holds its fact.
    enum Kind {
        case text, integer, boolean, real, limit, lines, datetime
    }

    /// A fact's column: its name, kind, and how it is read into and written from `NodeFacts`, in a form every store
    /// holds (`FactValue`).
    struct Column: Sendable {
        /// The fact it holds.
        let fact: Fact
        /// The column's name.
        var name: String { fact.rawValue }
        let kind: Kind
        /// Puts a stored value into the facts; a value of another shape than the column's (put there by hand) is an
        /// unknown fact. A NULL column makes no call: the fact stays unknown.
        let read: @Sendable (inout NodeFacts, FactValue) -> Void
        /// The fact as the column holds it; nil when unknown.
        let value: @Sendable (NodeFacts) -> FactValue?
        /// For a list fact: puts its stored text into the facts from the bytes where the store keeps them (SQLite's
        /// row), without a `String` of the whole column first; reads what `read` reads from that text.
        var readLines: (@Sendable (inout NodeFacts, FactLines) -> Void)? = nil
    }

    static func text(
        _ fact: Fact, _ get: @escaping @Sendable (NodeFacts) -> String?,
        _ set: @escaping @Sendable (inout NodeFacts, String?) -> Void
    ) -> Column {
        Column(fact: fact, kind: .text, read: { set(&$0, $1.text) }, value: { get($0).map(FactValue.text) })
    }
    static func int(
        _ fact: Fact, _ get: @escaping @Sendable (NodeFacts) -> Int?,
        _ set: @escaping @Sendable (inout NodeFacts, Int?) -> Void
    ) -> Column {
        Column(
            fact: fact, kind: .integer, read: { set(&$0, $1.integer.flatMap { Int(exactly: $0) }) },
            value: { get($0).map { .integer(Int64($0)) } })
    }
    static func int64(
        _ fact: Fact, _ get: @escaping @Sendable (NodeFacts) -> Int64?,
        _ set: @escaping @Sendable (inout NodeFacts, Int64?) -> Void
    ) -> Column {
        Column(fact: fact, kind: .integer, read: { set(&$0, $1.integer) }, value: { get($0).map(FactValue.integer) })
    }
    static func bool(
        _ fact: Fact, _ get: @escaping @Sendable (NodeFacts) -> Bool?,
        _ set: @escaping @Sendable (inout NodeFacts, Bool?) -> Void
    ) -> Column {
        Column(
            fact: fact, kind: .boolean, read: { set(&$0, $1.integer.map { $0 != 0 }) },
            value: { get($0).map { .integer($0 ? 1 : 0) } })
    }
    static func real(
        _ fact: Fact, _ get: @escaping @Sendable (NodeFacts) -> Double?,
        _ set: @escaping @Sendable (inout NodeFacts, Double?) -> Void
    ) -> Column {
        Column(fact: fact, kind: .real, read: { set(&$0, $1.real) }, value: { get($0).map(FactValue.real) })
    }
    static func limit(
        _ fact: Fact, _ get: @escaping @Sendable (NodeFacts) -> ResourceLimit?,
        _ set: @escaping @Sendable (inout NodeFacts, ResourceLimit?) -> Void
    ) -> Column {
        Column(
            fact: fact, kind: .limit,
            read: { facts, stored in
                switch stored {
                case .integer(let value) where value >= 0: set(&facts, .limited(value))
                case .text("unlimited"): set(&facts, .unlimited)
                default: set(&facts, nil)
                }
            },
            value: { facts in
                switch get(facts) {
                case .limited(let value): .integer(value)
                case .unlimited: .text("unlimited")
                case nil: nil
                }
            })
    }
    static func lines<Value: Sendable>(
        _ fact: Fact, _ get: @escaping @Sendable (NodeFacts) -> Value?,
        _ set: @escaping @Sendable (inout NodeFacts, Value?) -> Void,
        encode: @escaping @Sendable (Value) -> [[String]], decode: @escaping @Sendable (FactLines) -> Value?
    ) -> Column {
        Column(
            fact: fact, kind: .lines,
            read: { facts, stored in
                guard case .text(var text) = stored else { return set(&facts, nil) }
                // A native string lends its bytes in place.
                set(&facts, text.withUTF8 { decode(FactLines(bytes: $0)) })
            },
            value: { facts in get(facts).map { .text(FactColumns.text(encode($0))) } },
            readLines: { facts, lines in set(&facts, decode(lines)) })
    }
    static func datetime(
        _ fact: Fact, _ get: @escaping @Sendable (NodeFacts) -> Date?,
        _ set: @escaping @Sendable (inout NodeFacts, Date?) -> Void
    ) -> Column {
        Column(fact: fact, kind: .datetime, read: { set(&$0, $1.date) }, value: { get($0).map(FactValue.date) })
    }

    /// Every fact column, in the order of the SELECT (after the node's own columns).
    static let all: [Column] = [
        text(.osID, { $0.osID }, { $0.osID = $1 }),
        text(.osVersion, { $0.osVersion }, { $0.osVersion = $1 }),
        int(.systemdVersion, { $0.systemdVersion }, { $0.systemdVersion = $1 }),
        text(.kernelRelease, { $0.kernelRelease }, { $0.kernelRelease = $1 }),
        int(.cpuCount, { $0.cpuCount }, { $0.cpuCount = $1 }),
        int64(.memoryTotalBytes, { $0.memoryTotalBytes }, { $0.memoryTotalBytes = $1 }),
        int64(.swapTotalBytes, { $0.swapTotalBytes }, { $0.swapTotalBytes = $1 }),
        text(.transparentHugePages, { $0.transparentHugePages }, { $0.transparentHugePages = $1 }),
        text(.selinuxMode, { $0.selinuxMode }, { $0.selinuxMode = $1 }),
        bool(.clockSynchronized, { $0.clockSynchronized }, { $0.clockSynchronized = $1 }),
        text(.hostname, { $0.hostname }, { $0.hostname = $1 }),
        datetime(.collectedAt, { $0.collectedAt }, { $0.collectedAt = $1 }),
        // v2: the facts `nodes collect` gathers.
        text(.selinuxConfigMode, { $0.selinuxConfigMode }, { $0.selinuxConfigMode = $1 }),
        real(.clockOffsetSeconds, { $0.clockOffsetSeconds }, { $0.clockOffsetSeconds = $1 }),
        real(.clockOffsetErrorSeconds, { $0.clockOffsetErrorSeconds }, { $0.clockOffsetErrorSeconds = $1 }),
        text(.timezone, { $0.timezone }, { $0.timezone = $1 }),
        limit(.nofileSoft, { $0.nofileSoft }, { $0.nofileSoft = $1 }),
        limit(.nofileHard, { $0.nofileHard }, { $0.nofileHard = $1 }),
        limit(.nprocSoft, { $0.nprocSoft }, { $0.nprocSoft = $1 }),
        limit(.nprocHard, { $0.nprocHard }, { $0.nprocHard = $1 }),
        lines(
            .limitsRules, { $0.limitsRules }, { $0.limitsRules = $1 },
            encode: { $0.map { [$0.file, $0.domain, $0.type, $0.item, $0.value] } },
            decode: { lines in
                lines.values { line in
                    guard line.fieldCount == 5 else { return nil }
                    var fields = line.fields
                    return LimitsRule(
                        file: fields.next()!, domain: fields.next()!, type: fields.next()!, item: fields.next()!,
                        value: fields.next()!)
                }
            }),
        lines(
            .sysctl, { $0.sysctl }, { $0.sysctl = $1 },
            encode: { $0.sorted { $0.key < $1.key }.map { [$0.key, $0.value] } },
            decode: { lines in
                var settings = [String: String](minimumCapacity: lines.count)
                for line in lines where line.fieldCount == 2 {
                    var fields = line.fields
                    settings[fields.next()!] = fields.next()!  // a name stored twice: the last one
                }
                return settings
            }),
        lines(
            .cpuGovernors, { $0.cpuGovernors }, { $0.cpuGovernors = $1 }, encode: { $0.map { [$0] } },
            decode: { $0.strings() }),
        lines(
            .listeningTCP, { $0.listeningTCP }, { $0.listeningTCP = $1 }, encode: { $0.map { [$0] } },
            decode: { $0.strings() }),
        text(.firewall, { $0.firewall }, { $0.firewall = $1 }),
        lines(
            .mounts, { $0.mounts }, { $0.mounts = $1 },
            encode: {
                $0.map {
                    [
                        $0.mountPoint, $0.device, $0.fsType, $0.options, $0.sizeBytes.map(String.init) ?? "",
                        $0.freeBytes.map(String.init) ?? "",
                    ]
                }
            },
            decode: { lines in
                lines.values { line in
                    guard line.fieldCount == 6 else { return nil }
                    var fields = line.fields
                    return Mount(
                        mountPoint: fields.next()!, device: fields.next()!, fsType: fields.next()!,
                        options: fields.next()!, sizeBytes: Int64(fields.next()!), freeBytes: Int64(fields.next()!))
                }
            }),
        int(.numaNodes, { $0.numaNodes }, { $0.numaNodes = $1 }),
        bool(.irqbalanceRunning, { $0.irqbalanceRunning }, { $0.irqbalanceRunning = $1 }),
    ]

    // MARK: - The lines codec

    /// Entries as text: one per line, fields separated by tabs, with `\`, tab and newline escaped.
    static func text(_ entries: [[String]]) -> String {
        entries.map { $0.map(escape).joined(separator: "\t") }.joined(separator: "\n")
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
}
