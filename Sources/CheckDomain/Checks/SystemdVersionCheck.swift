/// `check_systemd_version`: a node's systemd must be at least the minimum and not a banned version (the reference
/// service's rule: newer than 213, not 231).
public struct SystemdVersionCheck: CheckItem {
    public static let name = "check_systemd_version"
    private static let unknownFact = UnknownFact("systemd 版本", "systemd version")
    public let facts: [Fact] = [.systemdVersion]
    /// The lowest version that passes.
    public var minimum = Self.defaultMinimum {
        didSet { expected = Self.expected(minimum: minimum, banned: banned) }
    }
    /// Versions that fail whatever the minimum.
    public var banned = Self.defaultBanned {
        didSet { expected = Self.expected(minimum: minimum, banned: banned) }
    }
    /// What a node is expected to have (`>= 214, != 231`), written when the settings are, not for each request.
    private var expected = Self.expected(minimum: Self.defaultMinimum, banned: Self.defaultBanned)
    private static let defaultMinimum = 214
    private static let defaultBanned = [231]

    /// The defaults, the reference service's (> 213, != 231).
    public init() {}

    public static var settings: [CheckSetting<Self>] {
        [.integer("minimum", \.minimum, atLeast: 1), .integers("banned", \.banned, atLeast: 1)]
    }

    /// The reference's description for the reference's thresholds, the same shape for others.
    public func description(in language: Language) -> String {
        language == .english
            ? "systemd version: \(expected)" : "检测 systemd 检查版本 >\(minimum - 1)" + banned.map { " 且 != \($0)" }.joined()
    }

    private static func expected(minimum: Int, banned: [Int]) -> String {
        ">= " + String(minimum) + banned.map { ", != " + String($0) }.joined()
    }

    public func failures(in context: RequestContext, into failures: inout NodeFailures) throws {
        try context.judgeMemberNodes(
            into: &failures, reading: \.systemdVersion, unknown: Self.unknownFact, expected: expected
        ) { node, version in
            guard version < minimum || banned.contains(version) else { return nil }
            let actual = String(version)
            return NodeFailure(
                nodeID: node.id,
                message: context.text(
                    "\(node.host) 当前 systemd 版本为:\(actual)",
                    en: "\(node.host) systemd version is \(actual), expected \(expected)"
                ),
                expected: expected,
                actual: actual
            )
        }
    }
}
