/// `check_os_version`: a node's OS version must be at least the minimum (7.2, the reference service's rule).
public struct OSVersionCheck: CheckItem {
    public let name = "check_os_version"
    public let description = "检查操作系统版本"
    /// The lowest version that passes.
    public let minimum: DottedVersion

    /// Creates the check with a minimum version.
    public init(minimum: DottedVersion = DottedVersion("7.2")!) {
        self.minimum = minimum
    }

    public func failures(in context: RequestContext) async throws -> [NodeFailure] {
        try await context.memberNodes().compactMap { node in
            guard let text = node.facts.osVersion, let version = DottedVersion(text) else {
                return NodeFailure(nodeID: node.id, message: "\(node.host) 操作系统版本未知")
            }
            guard version < minimum else { return nil }
            return NodeFailure(nodeID: node.id, message: "\(node.host) 操作系统版本过低, 当前系统版本为 \(text)")
        }
    }
}
