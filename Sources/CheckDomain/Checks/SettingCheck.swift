/// A check item over one textual setting of a node (SELinux mode, transparent huge pages): the policy's
/// `AllowedSettings` say which values pass and which warn; any other value fails, an unknown one is listed.
public struct SettingCheck: CheckItem {
    public let name: String
    public let description: String
    /// The settings that pass and warn.
    public let allowed: AllowedSettings
    private let englishDescription: String
    /// The setting's name in messages, e.g. `("SELinux", "SELinux")`.
    private let subject: (chinese: String, english: String)
    /// The fact's name when it is unknown, e.g. `("SELinux 状态", "SELinux mode")`.
    private let unknownFact: (chinese: String, english: String)
    private let setting: @Sendable (NodeFacts) -> String?
    /// A command that puts the setting right.
    let fix: String

    /// `check_selinux`: SELinux must not be enforcing; by default `disabled` passes and `permissive` warns.
    public static func selinux(allowed: AllowedSettings) -> SettingCheck {
        SettingCheck(
            name: "check_selinux", description: "检查 SELinux 是否关闭", allowed: allowed,
            englishDescription: "SELinux is not enforcing", subject: ("SELinux ", "SELinux"),
            unknownFact: ("SELinux 状态", "SELinux mode"), setting: { $0.selinuxMode },
            // Stops enforcing now and disables SELinux from the next boot.
            fix: "setenforce 0; sed -i 's/^SELINUX=.*/SELINUX=disabled/' /etc/selinux/config")
    }

    /// `check_transparent_hugepages`: transparent huge pages should be `never` (databases stall on THP compaction);
    /// by default `madvise` warns and `always` fails.
    public static func transparentHugePages(allowed: AllowedSettings) -> SettingCheck {
        SettingCheck(
            name: "check_transparent_hugepages", description: "检查透明大页是否关闭", allowed: allowed,
            englishDescription: "Transparent huge pages are off",
            subject: ("透明大页", "transparent huge pages"),
            unknownFact: ("透明大页设置", "transparent huge pages setting"), setting: { $0.transparentHugePages },
            // Turns THP off now (persist with `transparent_hugepage=never` on the kernel command line).
            fix: "echo never > /sys/kernel/mm/transparent_hugepage/enabled")
    }

    public func description(in language: Language) -> String {
        language == .english ? englishDescription : description
    }

    public var thresholds: [CheckThreshold] { allowed.thresholds }

    public func failures(in context: RequestContext) async throws -> [NodeFailure] {
        try await context.memberNodes().compactMap { node in
            guard let value = setting(node.facts) else {
                return .unknown(node, unknownFact, expected: allowed.expected, in: context)
            }
            guard let level = allowed.level(of: value) else { return nil }
            return NodeFailure(
                nodeID: node.id,
                message: context.text(
                    "\(node.host) \(subject.chinese)为 \(value), 应为 \(allowed.expected)",
                    en: "\(node.host) \(subject.english) is \(value), expected \(allowed.expected)"
                ),
                level: level,
                expected: allowed.expected,
                actual: value,
                fix: fix
            )
        }
    }
}
