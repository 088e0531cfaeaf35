/// `check_member_host`: a member's `host` must be its node's host in the inventory (case-insensitive); a mismatch
/// gets the policy's level.
public struct MemberHostCheck: CheckItem {
    public static let name = "check_member_host"
    /// Reads the proposal alone, no fact.
    public let facts: [Fact] = []
    /// The level of a mismatch.
    public var level = CheckLevel.fail

    /// The defaults.
    public init() {}

    public static var settings: [CheckSetting<Self>] {
        [.level(\.level)]
    }

    public func description(in language: Language) -> String {
        language == .english ? "Member host matches its node's host" : "检查成员地址与节点地址是否一致"
    }

    public func failures(in context: RequestContext, into failures: inout NodeFailures) throws {
        _ = try context.memberNodes()  // every member's node loaded (or the unknown ones named) before the look below
        // Nearly every member gives its node's host exactly as the inventory has it: found without building anything.
        let members = context.proposal.members
        if members.allSatisfy({ member in member.nodeID.flatMap(context.loadedNode(withID:))?.host == member.host }) {
            return
        }
        // Each node's members, found once: a scan of every member per node is quadratic in a 1,000-member request.
        let membersByNode = Dictionary(
            grouping: members.compactMap { member in member.nodeID.map { (id: $0, member: member) } },
            by: \.id)
        try context.judgeMemberNodes(into: &failures) { node in
            let host = node.host.lowercasedIfNeeded
            let mismatched = (membersByNode[node.id] ?? []).map(\.member).filter { $0.host.lowercasedIfNeeded != host }
            guard !mismatched.isEmpty else { return nil }
            let pairs = mismatched.map { "\($0.name)=\($0.host)" }.joined(separator: ", ")
            return NodeFailure(
                nodeID: node.id,
                message: context.text(
                    "\(node.host) 成员地址与节点地址不一致: \(pairs)",
                    en: "\(node.host) member host differs from the node's host: \(pairs)"
                ),
                level: level,
                expected: node.host,
                actual: mismatched.map(\.host).joined(separator: ", ")
            )
        }
    }
}
