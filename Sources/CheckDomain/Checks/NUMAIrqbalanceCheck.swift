/// `check_numa_irqbalance`: a machine with more than one NUMA node should run `irqbalance`, which spreads interrupts
/// across the nodes' CPUs; one that does not gets the policy's level, a warning by default. A machine with one NUMA
/// node passes whatever runs on it.
public struct NUMAIrqbalanceCheck: CheckItem {
    public static let name = "check_numa_irqbalance"
    private static let unknownNUMANodes = UnknownFact("NUMA 节点数", "NUMA node count")
    private static let unknownIrqbalance = UnknownFact("irqbalance 运行状态", "irqbalance state")
    public let facts: [Fact] = [.numaNodes, .irqbalanceRunning]
    /// The level of a NUMA machine without irqbalance.
    public var level = CheckLevel.warn

    /// The defaults.
    public init() {}

    public static var settings: [CheckSetting<Self>] {
        [.level(\.level)]
    }

    public func description(in language: Language) -> String {
        language == .english ? "irqbalance runs on NUMA machines" : "检查 NUMA 机器是否运行 irqbalance"
    }

    /// Starts irqbalance now and on every boot (install the `irqbalance` package first where it is missing).
    static let fix = "systemctl enable --now irqbalance"

    public func failures(in context: RequestContext, into failures: inout NodeFailures) throws {
        try context.judgeMemberNodes(
            into: &failures, reading: \.numaNodes, unknown: Self.unknownNUMANodes, expected: "irqbalance running"
        ) { node, numaNodes in
            guard numaNodes > 1 else { return nil }
            guard let running = node.facts.irqbalanceRunning else {
                return .unknown(
                    node, Self.unknownIrqbalance, expected: "irqbalance running", in: context)
            }
            guard !running else { return nil }
            return NodeFailure(
                nodeID: node.id,
                message: context.text(
                    "\(node.host) 有 \(numaNodes) 个 NUMA 节点, 但 irqbalance 未运行",
                    en: "\(node.host) has \(numaNodes) NUMA nodes but irqbalance is not running"
                ),
                level: level,
                expected: "irqbalance running",
                actual: "not running (\(numaNodes) NUMA nodes)",
                fix: Self.fix
            )
        }
    }
}
