/// `check_transparent_hugepages`: transparent huge pages should be `never` (databases stall on THP compaction); by
/// default `madvise` warns and `always` fails. The `enabled` setting is judged, never `defrag` (pingcap/tiup#1739).
public struct TransparentHugePagesCheck: CheckItem {
    public static let name = "check_transparent_hugepages"
    private static let unknownFact = UnknownFact("透明大页设置", "transparent huge pages setting")
    public let facts: [Fact] = [.transparentHugePages]
    /// The settings that pass and warn.
    public var allowed = AllowedSettings(pass: ["never"], warn: ["madvise"])

    /// The values the kernel knows.
    static let known = ["always", "madvise", "never"]

    /// The defaults.
    public init() {}

    public static var settings: [CheckSetting<Self>] {
        [.choices("pass", \.allowed.pass, known: known), .choices("warn", \.allowed.warn, known: known)]
    }

    public func validate() throws(CheckSettingError) { try allowed.validate() }

    public func description(in language: Language) -> String {
        language == .english ? "Transparent huge pages are off" : "检查透明大页是否关闭"
    }

    public func failures(in context: RequestContext, into failures: inout NodeFailures) throws {
        try allowed.failures(
            in: context, into: &failures, subject: ("透明大页", "transparent huge pages"),
            unknownFact: Self.unknownFact, setting: { $0.transparentHugePages },
            // Turns THP off now (persist with `transparent_hugepage=never` on the kernel command line).
            fix: "echo never > /sys/kernel/mm/transparent_hugepage/enabled")
    }
}
