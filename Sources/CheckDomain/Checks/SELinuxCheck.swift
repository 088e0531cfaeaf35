/// `check_selinux`: SELinux must not be enforcing; by default `disabled` passes and `permissive` warns.
public struct SELinuxCheck: CheckItem {
    public let name = "check_selinux"
    public let description = "检查 SELinux 是否关闭"
    /// The modes that pass and warn.
    public let allowed: AllowedSettings

    /// Creates the check.
    public init(allowed: AllowedSettings) {
        self.allowed = allowed
    }

    public func description(in language: Language) -> String {
        language == .english ? "SELinux is not enforcing" : description
    }

    public var thresholds: [CheckThreshold] { allowed.thresholds }

    /// Stops enforcing now and disables SELinux from the next boot.
    static let fix = "setenforce 0; sed -i 's/^SELINUX=.*/SELINUX=disabled/' /etc/selinux/config"

    public func failures(in context: RequestContext) async throws -> [NodeFailure] {
        try await context.memberNodes().compactMap { node in
            guard let mode = node.facts.selinuxMode else {
                return .unknown(node, ("SELinux 状态", "SELinux mode"), expected: allowed.expected, in: context)
            }
            guard let level = allowed.level(of: mode) else { return nil }
            return NodeFailure(
                nodeID: node.id,
                message: context.text(
                    "\(node.host) SELinux 为 \(mode), 应为 \(allowed.expected)",
                    en: "\(node.host) SELinux is \(mode), expected \(allowed.expected)"
                ),
                level: level,
                expected: allowed.expected,
                actual: mode,
                fix: Self.fix
            )
        }
    }
}
