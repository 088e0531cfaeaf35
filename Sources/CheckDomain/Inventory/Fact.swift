/// One fact of a node, by the name of its inventory column: what a check item declares it reads (`CheckItem.facts`),
/// so that a request reads from the inventory only the columns its items need.
///
/// The cases are in the order of `FactColumns.all` (a test holds them to it).
public enum Fact: String, CaseIterable, Sendable {
    case osID = "os_id"
    case osVersion = "os_version"
    case systemdVersion = "systemd_version"
    case kernelRelease = "kernel_release"
    case cpuCount = "cpu_count"
    case memoryTotalBytes = "memory_total_bytes"
    case swapTotalBytes = "swap_total_bytes"
    case transparentHugePages = "transparent_hugepages"
    case selinuxMode = "selinux_mode"
    case clockSynchronized = "clock_synchronized"
    case hostname
    case collectedAt = "facts_collected_at"
    case selinuxConfigMode = "selinux_config_mode"
    case clockOffsetSeconds = "clock_offset_seconds"
    case clockOffsetErrorSeconds = "clock_offset_error_seconds"
    case timezone
    case nofileSoft = "nofile_soft"
    case nofileHard = "nofile_hard"
    case nprocSoft = "nproc_soft"
    case nprocHard = "nproc_hard"
    case limitsRules = "limits_rules"
    case sysctl
    case cpuGovernors = "cpu_governors"
    case listeningTCP = "listening_tcp"
    case firewall
    case mounts
    case numaNodes = "numa_nodes"
    case irqbalanceRunning = "irqbalance_running"

    /// Its place in `allCases` and in `FactColumns.all`.
    var index: Int { Self.indices[self]! }

    private static let indices = Dictionary(uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })
}

/// A set of facts, as one word: the facts a request's items read, and the key of the lookup statement that reads them.
public struct FactSet: Hashable, Sendable {
    /// Bit `Fact.index` set for each fact in the set.
    public let rawValue: UInt64

    private init(rawValue: UInt64) { self.rawValue = rawValue }

    /// The set of these facts.
    public init<Facts: Sequence<Fact>>(_ facts: Facts) {
        rawValue = facts.reduce(0) { $0 | 1 << UInt64($1.index) }
    }

    /// Every fact.
    public static let all = FactSet(Fact.allCases)
    /// No fact.
    public static let none = FactSet(rawValue: 0)

    /// Whether the set holds `fact`.
    public func contains(_ fact: Fact) -> Bool { rawValue & 1 << UInt64(fact.index) != 0 }

    /// The facts of either set.
    public func union(_ other: FactSet) -> FactSet { FactSet(rawValue: rawValue | other.rawValue) }

    /// The facts in the set, in `Fact.allCases` order.
    public var facts: [Fact] { Fact.allCases.filter(contains) }
}

extension Node {
    /// The node as a lookup reading only `facts` gives it (`NodeReader.nodes(withIDs:reading:deadline:)`): its id,
    /// name and host, those facts, every other fact unknown. Stores held in memory read this way, so that a check
    /// item using a fact it does not declare fails its tests, as it would on SQLite.
    public func keeping(_ facts: FactSet) -> Node {
        var kept = NodeFacts()
        for column in FactColumns.all where facts.contains(column.fact) {
            if let value = column.value(self.facts) { column.read(&kept, value) }
        }
        return Node(id: id, name: name, host: host, facts: kept)
    }
}
