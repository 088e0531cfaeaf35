import TOMLKit

/// `check_sysctl`: kernel settings against a table of rules (at least, at most, one of), each with its level.
///
/// A node is listed once, with every rule it breaks in one message, at the worst of their levels. A rule whose
/// setting the node did not report (an older kernel without it, an unreadable file) is unknown, never kept.
public struct SysctlCheck: CheckItem {
    public static let name = "check_sysctl"
    private static let unknownFact = UnknownFact("内核参数", "kernel settings")
    public let facts: [Fact] = [.sysctl]
    /// The rules, in name order.
    public var rules: [SysctlRule] = Self.defaultRules {
        didSet { allExpected = Self.expected(of: rules) }
    }
    /// What every rule expects (`fs.file-max >= 1000000, ...`), written when the rules are set rather than for each
    /// request: a node whose settings are unknown is expected to keep them all.
    private var allExpected = Self.expected(of: Self.defaultRules)

    private static let defaultRules = [
        SysctlRule("fs.aio-max-nr", minimum: 1_048_576, level: .warn),
        SysctlRule("fs.file-max", minimum: 1_000_000),
        SysctlRule("net.core.somaxconn", minimum: 32768),
        SysctlRule("vm.max_map_count", minimum: 262_144),
        SysctlRule("vm.overcommit_memory", allowed: [0, 1]),
        SysctlRule("vm.swappiness", maximum: 1),
    ]

    private static func expected(of rules: [SysctlRule]) -> String {
        rules.map { "\($0.name) \($0.expected)" }.joined(separator: ", ")
    }

    /// The defaults.
    public init() {}

    public static var settings: [CheckSetting<Self>] {
        [
            CheckSetting(
                "rules",
                read: { (item, value) throws(CheckSettingError) in try item.readRules(value) },
                show: { item in .object(JSONObject(item.rules.map { ($0.name, $0.shown) })) })
        ]
    }

    public func description(in language: Language) -> String {
        language == .english ? "Kernel settings (sysctl)" : "检查内核参数"
    }

    /// Merges the policy's `rules` table into the rules: a setting given a table gets that rule (replacing the
    /// default one), a setting given `false` has none. Names may be quoted (`"vm.swappiness" = { max = 1 }`) or
    /// dotted (`vm.swappiness = { max = 1 }`, which TOML reads as nested tables).
    mutating func readRules(_ value: any TOMLValueConvertible) throws(CheckSettingError) {
        guard let table = value.table else { throw .wrongType("rules", "a table", value) }
        var byName = Dictionary(uniqueKeysWithValues: rules.map { ($0.name, $0) })
        try Self.read(table, prefix: "", into: &byName)
        rules = byName.values.sorted { $0.name < $1.name }
    }

    /// Reads the entries of `table`, whose names continue `prefix` (`vm.` for the table under a dotted `vm`).
    private static func read(_ table: TOMLTable, prefix: String, into rules: inout [String: SysctlRule])
        throws(CheckSettingError)
    {
        for key in table.keys.sorted() {
            guard let value = table[key] else { continue }
            let name = prefix + key
            let settingKey = "rules.\"\(name)\""
            let known = CollectionScript.kernelSettings
            if known.contains(name) {
                if value.bool == false {
                    rules[name] = nil
                } else if let rule = value.table {
                    rules[name] = try SysctlRule.read(name, rule, key: settingKey)
                } else {
                    throw CheckSettingError(
                        key: settingKey,
                        problem: "must be a table ({ min = ..., max = ..., one_of = [...], level = ... }) or false "
                            + "(no rule), not \(article(value)) \(value.type)")
                }
            } else if let nested = value.table, known.contains(where: { $0.hasPrefix(name + ".") }) {
                try read(nested, prefix: name + ".", into: &rules)
            } else {
                throw CheckSettingError(
                    key: settingKey,
                    problem: "not a kernel setting fcgi-check collects (collected: \(known.joined(separator: ", ")))")
            }
        }
    }

    private static func article(_ value: any TOMLValueConvertible) -> String {
        "\(value.type)".first.map { "aeiou".contains($0) } == true ? "an" : "a"
    }

    /// One rule a node breaks, or cannot be judged on.
    private struct Breach {
        var rule: SysctlRule
        /// The value as the node reported it; nil when it did not.
        var actual: String?
        /// The value a fix sets; nil when the node's value is unknown (absent or not a number).
        var target: Int64?

        var isUnknown: Bool { target == nil }

        /// What is wrong, in Chinese.
        var chinese: String {
            isUnknown ? "\(rule.name) 未知" : "\(rule.name) 为 \(actual ?? ""), 要求 \(rule.expected)"
        }

        /// What is wrong, in English.
        var english: String {
            isUnknown ? "\(rule.name) is unknown" : "\(rule.name) is \(actual ?? ""), expected \(rule.expected)"
        }
    }

    public func failures(in context: RequestContext, into failures: inout NodeFailures) throws {
        try context.judgeMemberNodes(
            into: &failures, reading: \.sysctl, unknown: Self.unknownFact, expected: allExpected
        ) { node, settings in
            var breaches: [Breach] = []
            for rule in rules {
                guard let text = settings[rule.name], let value = SysctlValue(text) else {
                    breaches.append(Breach(rule: rule, actual: settings[rule.name], target: nil))
                    continue
                }
                if !rule.isKept(by: value) {
                    breaches.append(Breach(rule: rule, actual: text, target: rule.target(for: value)))
                }
            }
            guard !breaches.isEmpty else { return nil }
            // An unknown setting is never a mere warning.
            let level: CheckLevel =
                breaches.contains { $0.rule.level == .fail || $0.isUnknown } ? .fail : .warn
            return NodeFailure(
                nodeID: node.id,
                message: context.text(
                    "\(node.host) 内核参数不符合要求: \(breaches.map(\.chinese).joined(separator: "; "))",
                    en: "\(node.host) kernel settings: \(breaches.map(\.english).joined(separator: "; "))"
                ),
                level: level,
                expected: breaches.map { "\($0.rule.name) \($0.rule.expected)" }.joined(separator: ", "),
                actual: breaches.map { "\($0.rule.name) = \($0.actual ?? "unknown")" }.joined(separator: ", "),
                fix: Self.fix(breaches.compactMap { breach in breach.target.map { (breach.rule.name, $0) } })
            )
        }
    }

    /// Sets each setting now and from every boot on: one `sysctl.d` file per setting, written whole (so that
    /// running it again changes nothing). A setting also given in `/etc/sysctl.conf` is set there last on boot.
    private static func fix(_ targets: [(name: String, value: Int64)]) -> String? {
        guard !targets.isEmpty else { return nil }
        return targets.map { name, value in
            "sysctl -w \(name)=\(value) && printf '\(name) = \(value)\\n' > /etc/sysctl.d/99-fcgi-check-\(name).conf"
        }.joined(separator: " && ")
    }
}
