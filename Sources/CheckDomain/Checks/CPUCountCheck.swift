/// `check_cpu_count`: a node needs at least `minimum` online CPUs (fail), and should have `recommended` (warn).
public struct CPUCountCheck: CheckItem {
    public let name = "check_cpu_count"
    public let description = "检查 CPU 核数"
    /// Fewer CPUs fail.
    public let minimum: Int
    /// Fewer CPUs (but at least `minimum`) warn.
    public let recommended: Int

    /// Creates the check.
    public init(minimum: Int, recommended: Int) {
        self.minimum = minimum
        self.recommended = recommended
    }

    public func description(in language: Language) -> String {
        language == .english ? "CPU count" : description
    }

    public var thresholds: [CheckThreshold] {
        [CheckThreshold("minimum", .int(minimum)), CheckThreshold("recommended", .int(recommended))]
    }

    public func failures(in context: RequestContext) async throws -> [NodeFailure] {
        try await context.memberNodes().compactMap { node in
            guard let count = node.facts.cpuCount else {
                return .unknown(node, ("CPU 核数", "CPU count"), expected: ">= \(minimum)", in: context)
            }
            if count < minimum {
                return NodeFailure(
                    nodeID: node.id,
                    message: context.text(
                        "\(node.host) CPU 核数不足, 当前为 \(count), 至少需要 \(minimum)",
                        en: "\(node.host) has \(count) CPUs, at least \(minimum) needed"
                    ),
                    expected: ">= \(minimum)",
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
