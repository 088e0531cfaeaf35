/// `check_timezone`: every node of the cluster should run in one time zone; nodes outside the zone most nodes use
/// (the first node's on a tie) get the policy's level. Zones are compared as named (`Asia/Shanghai` and `PRC` are
/// two names, and two answers to an operator reading logs side by side).
public struct TimezoneCheck: CheckItem {
    public static let name = "check_timezone"
    private static let unknownFact = UnknownFact("时区", "time zone")
    public let facts: [Fact] = [.timezone]
    /// The level of a node outside the cluster's zone.
    public var level = CheckLevel.fail

    /// The defaults.
    public init() {}

    public static var settings: [CheckSetting<Self>] {
        [.level(\.level)]
    }

    public func description(in language: Language) -> String {
        language == .english ? "One time zone across the cluster" : "检查集群时区是否一致"
    }

    /// Sets the zone, with timedated where it runs, else by the `/etc/localtime` link it would write; nil for a zone
    /// name that is not a plain `Area/Location` (it came from a node, and goes into a root shell).
    static func fix(_ zone: String) -> String? {
        let plain = zone.utf8.allSatisfy { byte in
            ShellWord.isPlain(byte) && byte != UInt8(ascii: ",") && byte != UInt8(ascii: "=")
                && byte != UInt8(ascii: ":") && byte != UInt8(ascii: "@") && byte != UInt8(ascii: "%")
        }
        // Plain words are ASCII: no path component `..`, read byte by byte.
        guard plain, !zone.hasPrefix("-"), !zone.hasPrefix("/"),
            !zone.containsWord("..", separatedBy: UInt8(ascii: "/"))
        else {
            return nil
        }
        return "timedatectl set-timezone \(zone) 2>/dev/null || ln -sf /usr/share/zoneinfo/\(zone) /etc/localtime"
    }

    public func failures(in context: RequestContext, into failures: inout NodeFailures) throws {
        let nodes = try context.memberNodes()
        let majority = ClusterMajority.of(nodes.lazy.map(\.facts.timezone))
        // Made for the first node that needs it: nearly always no node does.
        var fix: String?
        var fixMade = false
        // Without a majority every node's zone is unknown as well: there is nothing to compare it with.
        let known: (borrowing NodeFacts) -> String? = { majority == nil ? nil : $0.timezone }
        try context.judgeMemberNodes(
            into: &failures, reading: known, unknown: Self.unknownFact, expected: majority ?? "one time zone"
        ) { node, zone in
            guard let majority, zone != majority else { return nil }
            if !fixMade {
                fix = Self.fix(majority)
                fixMade = true
            }
            return NodeFailure(
                nodeID: node.id,
                message: context.text(
                    "\(node.host) 时区为 \(zone), 集群多数节点为 \(majority)",
                    en: "\(node.host) time zone is \(zone), most nodes use \(majority)"
                ),
                level: level,
                expected: majority,
                actual: zone,
                fix: fix
            )
        }
    }
}
