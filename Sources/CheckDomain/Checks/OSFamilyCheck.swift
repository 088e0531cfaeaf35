/// `check_os_family`: every node of the cluster should run one OS family (CentOS, RHEL, Rocky, AlmaLinux and Oracle
/// Linux are one family; Debian and Ubuntu another). Nodes outside the family most nodes run (the first node's on a
/// tie) get the policy's level; a node whose OS id is unknown is listed.
public struct OSFamilyCheck: CheckItem {
    public static let name = "check_os_family"
    private static let unknownFact = UnknownFact("操作系统类型", "OS id")
    public let facts: [Fact] = [.osID]
    /// The level of a node outside the cluster's family.
    public var level = CheckLevel.fail

    /// The defaults.
    public init() {}

    public static var settings: [CheckSetting<Self>] {
        [.level(\.level)]
    }

    public func description(in language: Language) -> String {
        language == .english ? "One OS family across the cluster" : "检查集群操作系统是否属同一系列"
    }

    /// The family of an `/etc/os-release` `ID`; an id of no known family is its own family.
    public static func family(of osID: String) -> String {
        let id = osID.lowercasedIfNeeded
        switch id {
        case "rhel", "centos", "rocky", "almalinux", "ol", "anolis", "fedora": return "rhel"
        case "debian", "ubuntu": return "debian"
        case "sles", "sled", "opensuse-leap", "opensuse": return "suse"
        default: return id
        }
    }

    public func failures(in context: RequestContext, into failures: inout NodeFailures) throws {
        let nodes = try context.memberNodes()
        let majority = ClusterMajority.of(nodes.lazy.map { $0.facts.osID.map(Self.family(of:)) })
        // Without a majority every node's family is unknown as well: there is nothing to compare it with.
        let known: (borrowing NodeFacts) -> String? = { majority == nil ? nil : $0.osID }
        try context.judgeMemberNodes(
            into: &failures, reading: known, unknown: Self.unknownFact, expected: majority ?? "one family"
        ) { node, id in
            let family = Self.family(of: id)
            guard let majority, family != majority else { return nil }
            return NodeFailure(
                nodeID: node.id,
                message: context.text(
                    "\(node.host) 操作系统 \(id) 属于 \(family) 系列, 集群多数节点为 \(majority) 系列",
                    en: "\(node.host) runs \(id) (\(family) family), most nodes run the \(majority) family"
                ),
                level: level,
                expected: majority,
                actual: "\(id) (\(family))"
            )
        }
    }
}
