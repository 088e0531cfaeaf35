/// `check_member_host`: a member's `host` must be its node's host in the inventory (case-insensitive); a mismatch
/// gets the policy's level.
public struct MemberHostCheck: CheckItem {
    public let name = "check_member_host"
    public let description = "检查成员地址与节点地址是否一致"
    /// The level of a mismatch.
    public let level: CheckLevel

    /// Creates the check.
    public init(level: CheckLevel) {
        self.level = level
    }

    public func description(in language: Language) -> String {
        language == .english ? "Member host matches its node's host" : description
    }

    public var thresholds: [CheckThreshold] { [CheckThreshold("level", .string(level.rawValue))] }

    public func failures(in context: RequestContext) async throws -> [NodeFailure] {
        let nodes = try await context.memberNodes()
        let members = context.proposal.members
        return nodes.compactMap { node in
            var mismatched: [Member] = []
            for member in members where member.nodeID == node.id {
                if member.host.lowercased() != node.host.lowercased() { mismatched.append(member) }
            }
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
