/// `check_cpu_count`: a node needs at least `minimum` online CPUs (fail), and should have `recommended` (warn).
public struct CPUCountCheck: CheckItem {
    public static let name = "check_cpu_count"
    private static let unknownFact = UnknownFact("CPU 核数", "CPU count")
    public let facts: [Fact] = [.cpuCount]
    /// Fewer CPUs fail.
    public var minimum = Self.defaultMinimum {
        didSet { expected = Self.expected(minimum) }
    }
    /// Fewer CPUs (but at least `minimum`) warn.
    public var recommended = 4

    /// What a node is expected to have (`>= 2`): made when the minimum is set, not once per request.
    private var expected = Self.expected(Self.defaultMinimum)
    private static let defaultMinimum = 2

    private static func expected(_ minimum: Int) -> String {
        ">= " + String(minimum)
    }

    /// The defaults.
    public init() {}

    public static var settings: [CheckSetting<Self>] {
        [.integer("minimum", \.minimum, atLeast: 1), .integer("recommended", \.recommended, atLeast: 1)]
    }

    public func validate() throws(CheckSettingError) {
        guard recommended >= minimum else {
            throw CheckSettingError(key: "recommended", problem: "must be at least minimum (\(minimum))")
        }
    }

    public func description(in language: Language) -> String {
        language == .english ? "CPU count" : "检查 CPU 核数"
    }

    public func failures(in context: RequestContext, into failures: inout NodeFailures) throws {
        try context.judgeMemberNodes(
            into: &failures, reading: \.cpuCount, unknown: Self.unknownFact, expected: expected
        ) { node, count in
            if count < minimum {
                return NodeFailure(
                    nodeID: node.id,
                    message: context.text(
                        "\(node.host) CPU 核数不足, 当前为 \(count), 至少需要 \(minimum)",
                        en: "\(node.host) has \(count) CPUs, at least \(minimum) needed"
                    ),
                    expected: expected,
                    actual: String(count)
                )
            }
            guard count < recommended else { return nil }
            return NodeFailure(
                nodeID: node.id,
                message: context.text(
                    "\(node.host) CPU 核数低于建议值, 当前为 \(count), 建议至少 \(recommended)",
                    en: "\(node.host) has \(count) CPUs, \(recommended) recommended"
                ),
                level: .warn,
                expected: ">= \(recommended)",
                actual: String(count)
            )
        }
    }
}
