/// `check_transparent_hugepages`: transparent huge pages should be `never` (databases stall on THP compaction);
/// by default `madvise` warns and `always` fails.
public struct TransparentHugePagesCheck: CheckItem {
    public let name = "check_transparent_hugepages"
    public let description = "检查透明大页是否关闭"
    /// The settings that pass and warn.
    public let allowed: AllowedSettings

    /// Creates the check.
    public init(allowed: AllowedSettings) {
        self.allowed = allowed
    }

    public func description(in language: Language) -> String {
        language == .english ? "Transparent huge pages are off" : description
    }

    public var thresholds: [CheckThreshold] { allowed.thresholds }

    /// Turns THP off now (persist with `transparent_hugepage=never` on the kernel command line).
    static let fix = "echo never > /sys/kernel/mm/transparent_hugepage/enabled"

    public func failures(in context: RequestContext) async throws -> [NodeFailure] {
        try await context.memberNodes().compactMap { node in
            guard let setting = node.facts.transparentHugePages else {
                return .unknown(
                    node, ("透明大页设置", "transparent huge pages setting"), expected: allowed.expected, in: context)
            }
            guard let level = allowed.level(of: setting) else { return nil }
            return NodeFailure(
                nodeID: node.id,
                message: context.text(
                    "\(node.host) 透明大页为 \(setting), 应为 \(allowed.expected)",
                    en: "\(node.host) transparent huge pages is \(setting), expected \(allowed.expected)"
                ),
                level: level,
                expected: allowed.expected,
                actual: setting,
                fix: Self.fix
            )
        }
    }
}
