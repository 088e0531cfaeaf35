/// The values of a setting that pass, and those that only warn; any other value fails. Judged by
/// `check_transparent_hugepages`, `check_selinux` (now and after a reboot) and `check_cpu_governor` (each CPU).
public struct AllowedSettings: Sendable, Equatable {
    /// Values that pass.
    public var pass: [String] {
        didSet { expected = Self.expected(pass) }
    }
    /// Values that warn.
    public var warn: [String]
    /// `never`, or `disabled | permissive`: made when `pass` is set, not once per request.
    private(set) var expected: String

    /// Creates the rule.
    public init(pass: [String], warn: [String]) {
        self.pass = pass
        self.warn = warn
        expected = Self.expected(pass)
    }

    private static func expected(_ pass: [String]) -> String {
        pass.joined(separator: " | ")
    }

    /// nil when `value` passes, else its level.
    func level(of value: String) -> CheckLevel? {
        let value = value.lowercasedIfNeeded
        if pass.contains(value) { return nil }
        return warn.contains(value) ? .warn : .fail
    }

    /// At least one value passes, and none both passes and warns.
    func validate() throws(CheckSettingError) {
        guard !pass.isEmpty else { throw CheckSettingError(key: "pass", problem: "must name at least one setting") }
        if let both = pass.first(where: warn.contains) {
            throw CheckSettingError(key: "warn", problem: "\"\(both)\" is also in pass")
        }
    }

    /// The member nodes whose setting does not pass: a value in `warn` warns, any other fails, an unknown one is
    /// listed as unknown.
    /// - Parameters:
    ///   - subject: the setting's name in messages, e.g. `("SELinux ", "SELinux")`.
    ///   - unknownFact: the fact's name when it is unknown, e.g. `UnknownFact("SELinux 状态", "SELinux mode")`.
    ///   - setting: the node's value.
    ///   - fix: a command that puts the setting right.
    func failures(
        in context: RequestContext,
        into failures: inout NodeFailures,
        subject: (chinese: String, english: String),
        unknownFact: UnknownFact,
        setting: (NodeFacts) -> String?,
        fix: String
    ) throws {
        try context.judgeMemberNodes(
            into: &failures, reading: setting, unknown: unknownFact, expected: expected
        ) { node, value in
            guard let level = level(of: value) else { return nil }
            return NodeFailure(
                nodeID: node.id,
                message: context.text(
                    "\(node.host) \(subject.chinese)为 \(value), 应为 \(expected)",
                    en: "\(node.host) \(subject.english) is \(value), expected \(expected)"
                ),
                level: level,
                expected: expected,
                actual: value,
                fix: fix
            )
        }
    }
}
