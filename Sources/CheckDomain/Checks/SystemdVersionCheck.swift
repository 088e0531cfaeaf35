/// `check_systemd_version`: a node's systemd must be newer than 213 and not 231 (the reference service's rule).
public struct SystemdVersionCheck: CheckItem {
    public let name = "check_systemd_version"
    public let description = "检测 systemd 检查版本 >213 且 != 231"
    /// Versions at or below this fail.
    public let minimumExclusive: Int
    /// Versions that fail whatever the minimum.
    public let banned: Set<Int>

    /// Creates the check.
    public init(minimumExclusive: Int = 213, banned: Set<Int> = [231]) {
        self.minimumExclusive = minimumExclusive
        self.banned = banned
    }

    public func failures(in context: RequestContext) async throws -> [NodeFailure] {
        try await context.memberNodes().compactMap { node in
            guard let version = node.facts.systemdVersion else {
                return NodeFailure(nodeID: node.id, message: "\(node.host) systemd 版本未知")
            }
            guard version <= minimumExclusive || banned.contains(version) else { return nil }
            return NodeFailure(nodeID: node.id, message: "\(node.host) 当前 systemd 版本为:\(version)")
        }
    }
}
