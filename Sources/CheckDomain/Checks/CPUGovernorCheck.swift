/// `check_cpu_governor`: every CPU's frequency governor should be `performance`; by default any other fails.
///
/// A machine without cpufreq (most VMs: the hypervisor owns the frequency) has no governor to set, and passes by
/// default (`without_cpufreq = "pass"`; "warn" lists such nodes): a governor that cannot be read there is not a
/// failure (pingcap/tiup PR #1663). That is a fact, `[]`; a governor list that could not be read at all is unknown.
public struct CPUGovernorCheck: CheckItem {
    public static let name = "check_cpu_governor"
    private static let unknownFact = UnknownFact("CPU 调频策略", "CPU frequency governor")
    public let facts: [Fact] = [.cpuGovernors]
    /// The governors that pass and warn; any other fails.
    public var allowed = AllowedSettings(pass: ["performance"], warn: [])
    /// What a machine without cpufreq gets: `pass` or `warn`.
    public var withoutCPUFreq = "pass"

    /// The kernel's governors (intel_pstate and amd-pstate offer `performance` and `powersave` only).
    static let known = ["performance", "powersave", "ondemand", "conservative", "schedutil", "userspace"]

    /// The defaults.
    public init() {}

    public static var settings: [CheckSetting<Self>] {
        [
            .choices("pass", \.allowed.pass, known: known), .choices("warn", \.allowed.warn, known: known),
            .choice("without_cpufreq", \.withoutCPUFreq, known: ["pass", "warn"]),
        ]
    }

    public func validate() throws(CheckSettingError) { try allowed.validate() }

    public func description(in language: Language) -> String {
        language == .english ? "CPU frequency governor" : "检查 CPU 调频策略"
    }

    public func failures(in context: RequestContext, into failures: inout NodeFailures) throws {
        let expected = allowed.expected
        try context.judgeMemberNodes(
            into: &failures, reading: \.cpuGovernors, unknown: Self.unknownFact, expected: expected
        ) { node, governors in
            guard !governors.isEmpty else {
                guard withoutCPUFreq == "warn" else { return nil }
                return NodeFailure(
                    nodeID: node.id,
                    message: context.text(
                        "\(node.host) 无 cpufreq (常见于虚拟机), 无法设置 CPU 调频策略",
                        en: "\(node.host) has no cpufreq (common on VMs): its CPU governor cannot be set"
                    ),
                    level: .warn,
                    expected: expected,
                    actual: "no cpufreq"
                )
            }
            // The governors that do not pass, in order of first appearance, with how many CPUs run each.
            var level: CheckLevel?
            var counts: [(governor: String, cpus: Int)] = []
            for governor in governors {
                // Nearly every CPU passes: a plain comparison first, no lower-cased copy per CPU.
                if allowed.pass.contains(governor) { continue }
                guard let found = allowed.level(of: governor) else { continue }
                if level != .fail { level = found }
                if let index = counts.firstIndex(where: { $0.governor == governor }) {
                    counts[index].cpus += 1
                } else {
                    counts.append((governor, 1))
                }
            }
            guard let level else { return nil }
            let total = governors.count
            func listed(_ each: ((governor: String, cpus: Int)) -> String) -> String {
                counts.map(each).joined(separator: ", ")
            }
            return NodeFailure(
                nodeID: node.id,
                message: context.text(
                    "\(node.host) CPU 调频策略为 \(listed { "\($0.governor) (\($0.cpus)/\(total) 个 CPU)" }), 应为 \(expected)",
                    en: """
                        \(node.host) CPU governor is \(listed { "\($0.governor) on \($0.cpus) of \(total) CPUs" }), \
                        expected \(expected)
                        """
                ),
                level: level,
                expected: expected,
                actual: counts.map { "\($0.governor) (\($0.cpus)/\(total))" }.joined(separator: ", "),
                fix: fix
            )
        }
    }

    /// Sets every CPU's governor now (persist it with a tuned profile or the distribution's cpupower service). Made
    /// only for a node that gets it.
    private var fix: String {
        "for g in /sys/devices/system/cpu/cpu[0-9]*/cpufreq/scaling_governor; do echo \(allowed.pass[0]) > \"$g\"; done"
    }
}
