/// `check_kernel_version`: a node's kernel release (`uname -r`) must be at least the minimum.
public struct KernelVersionCheck: CheckItem {
    public static let name = "check_kernel_version"
    private static let unknownFact = UnknownFact("内核版本", "kernel version")
    public let facts: [Fact] = [.kernelRelease]
    /// The lowest kernel version that passes, compared on the release's leading dotted numbers.
    public var minimum = Self.defaultMinimum {
        didSet { expected = Self.expected(minimum) }
    }
    /// What a node is expected to have (`>= 3.10`): made when the minimum is set, not once per request.
    private var expected = Self.expected(Self.defaultMinimum)
    private static let defaultMinimum = DottedVersion("3.10")!

    private static func expected(_ minimum: DottedVersion) -> String {
        ">= " + minimum.text
    }

    /// The defaults.
    public init() {}

    public static var settings: [CheckSetting<Self>] {
        [.version("minimum", \.minimum)]
    }

    public func description(in language: Language) -> String {
        language == .english ? "Kernel version" : "检查内核版本"
    }

    public func failures(in context: RequestContext, into failures: inout NodeFailures) throws {
        try context.judgeMemberNodes(
            into: &failures, reading: \.kernelRelease, unknown: Self.unknownFact, expected: expected
        ) { node, release in
            guard let below = ReleaseVersion.isBelow(release, minimum) else {
                return .unknown(node, Self.unknownFact, expected: expected, actual: release, in: context)
            }
            guard below else { return nil }
            return NodeFailure(
                nodeID: node.id,
                message: context.text(
                    "\(node.host) 内核版本过低, 当前内核版本为 \(release), 至少需要 \(minimum)",
                    en: "\(node.host) kernel \(release) is older than \(minimum)"
                ),
                expected: expected,
                actual: release
            )
        }
    }
}
