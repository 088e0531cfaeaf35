/// `check_clock_sync`: a node's clock must be synchronised (NTP, chrony or systemd-timesyncd); an unsynchronised
/// clock gets the policy's level.
public struct ClockSyncCheck: CheckItem {
    public static let name = "check_clock_sync"
    private static let unknownFact = UnknownFact("时钟同步状态", "clock synchronisation")
    public let facts: [Fact] = [.clockSynchronized]
    /// The level of a node whose clock is not synchronised.
    public var level = CheckLevel.fail

    /// The defaults.
    public init() {}

    public static var settings: [CheckSetting<Self>] {
        [.level(\.level)]
    }

    public func description(in language: Language) -> String {
        language == .english ? "Clock is synchronised" : "检查时钟是否同步"
    }

    /// Turns on the system's time synchronisation.
    static let fix = "timedatectl set-ntp true"

    public func failures(in context: RequestContext, into failures: inout NodeFailures) throws {
        try context.judgeMemberNodes(
            into: &failures, reading: \.clockSynchronized, unknown: Self.unknownFact, expected: "synchronized"
        ) { node, synchronized in
            guard !synchronized else { return nil }
            return NodeFailure(
                nodeID: node.id,
                message: context.text("\(node.host) 时钟未同步", en: "\(node.host) clock is not synchronised"),
                level: level,
                expected: "synchronized",
                actual: "not synchronized",
                fix: Self.fix
            )
        }
    }
}
