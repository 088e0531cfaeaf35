/// `check_kernel_uniform`: every node of the cluster should run one kernel release (`uname -r`); nodes outside the
/// release most nodes run (the first node's on a tie) get the policy's level, a warning by default.
public struct KernelUniformCheck: CheckItem {
    public static let name = "check_kernel_uniform"
    private static let unknownFact = UnknownFact("内核版本", "kernel release")
    public let facts: [Fact] = [.kernelRelease]
    /// The level of a node outside the cluster's release.
    public var level = CheckLevel.warn

    /// The defaults.
    public init() {}

    public static var settings: [CheckSetting<Self>] {
        [.level(\.level)]
    }

    public func description(in language: Language) -> String {
        language == .english ? "One kernel release across the cluster" : "检查集群内核版本是否一致"
    }

    public func failures(in context: RequestContext, into failures: inout NodeFailures) throws {
        let nodes = try context.memberNodes()
        let majority = ClusterMajority.of(nodes.lazy.map(\.facts.kernelRelease))
        // Without a majority every node's release is unknown as well: there is nothing to compare it with.
        let known: (borrowing NodeFacts) -> String? = { majority == nil ? nil : $0.kernelRelease }
        try context.judgeMemberNodes(
            into: &failures, reading: known, unknown: Self.unknownFact, expected: majority ?? "one kernel release"
        ) { node, release in
            guard let majority, release != majority else { return nil }
            return NodeFailure(
                nodeID: node.id,
                message: context.text(
                    "\(node.host) 内核版本为 \(release), 集群多数节点为 \(majority)",
                    en: "\(node.host) runs kernel \(release), most nodes run \(majority)"
                ),
                level: level,
                expected: majority,
                actual: release
            )
        }
    }
}
