/// `check_selinux`: SELinux must not be enforcing, now or after the next reboot; by default `disabled` passes and
/// `permissive` warns.
///
/// The running mode and the mode of `/etc/selinux/config` are both judged (pingcap/tiup PR #2496): they differ until
/// a reboot, and a node disabled at run time whose configuration still says `enforcing` comes back enforcing. The
/// worse of the two gives the level; either unknown is unknown.
public struct SELinuxCheck: CheckItem {
    public static let name = "check_selinux"
    private static let unknownMode = UnknownFact("SELinux 状态", "SELinux mode")
    private static let unknownConfigMode = UnknownFact(
        "SELinux 配置 (/etc/selinux/config)", "SELinux mode in /etc/selinux/config")
    public let facts: [Fact] = [.selinuxMode, .selinuxConfigMode]
    /// The modes that pass and warn.
    public var allowed = AllowedSettings(pass: ["disabled"], warn: ["permissive"])

    /// The modes SELinux has.
    static let known = ["enforcing", "permissive", "disabled"]

    /// The defaults.
    public init() {}

    public static var settings: [CheckSetting<Self>] {
        [.choices("pass", \.allowed.pass, known: known), .choices("warn", \.allowed.warn, known: known)]
    }

    public func validate() throws(CheckSettingError) { try allowed.validate() }

    public func description(in language: Language) -> String {
        language == .english ? "SELinux is not enforcing" : "检查 SELinux 是否关闭"
    }

    /// Stops enforcing now and disables SELinux from the next boot.
    static let fix = "setenforce 0; sed -i 's/^SELINUX=.*/SELINUX=disabled/' /etc/selinux/config"

    public func failures(in context: RequestContext, into failures: inout NodeFailures) throws {
        let expected = allowed.expected
        try context.judgeMemberNodes(
            into: &failures, reading: \.selinuxMode, unknown: Self.unknownMode, expected: expected
        ) { node, running in
            guard let configured = node.facts.selinuxConfigMode else {
                return .unknown(
                    node, Self.unknownConfigMode,
                    expected: expected, actual: running, in: context)
            }
            let runningLevel = allowed.level(of: running)
            let configuredLevel = allowed.level(of: configured)
            guard runningLevel != nil || configuredLevel != nil else { return nil }
            let level: CheckLevel = runningLevel == .fail || configuredLevel == .fail ? .fail : .warn
            if running.lowercasedIfNeeded == configured.lowercasedIfNeeded {
                return NodeFailure(
                    nodeID: node.id,
                    message: context.text(
                        "\(node.host) SELinux 为 \(running), 应为 \(expected)",
                        en: "\(node.host) SELinux is \(running), expected \(expected)"
                    ),
                    level: level,
                    expected: expected,
                    actual: running,
                    fix: Self.fix
                )
            }
            return NodeFailure(
                nodeID: node.id,
                message: context.text(
                    "\(node.host) SELinux 当前为 \(running), 重启后 (/etc/selinux/config) 为 \(configured), 应为 \(expected)",
                    en: """
                        \(node.host) SELinux is \(running) now and \(configured) after a reboot \
                        (/etc/selinux/config), expected \(expected)
                        """
                ),
                level: level,
                expected: expected,
                actual: "\(running), \(configured) after a reboot",
                fix: Self.fix
            )
        }
    }
}
