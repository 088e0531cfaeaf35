/// `check_swap`: swap must be off (a node's swap total at most `maximumMiB`, 0 by default).
public struct SwapCheck: CheckItem {
    public static let name = "check_swap"
    private static let unknownFact = UnknownFact("swap 大小", "swap size")
    public let facts: [Fact] = [.swapTotalBytes]
    /// More swap than this fails, in MiB.
    public var maximumMiB = 0

    /// The defaults.
    public init() {}

    public static var settings: [CheckSetting<Self>] {
        [.integer("maximum_mib", \.maximumMiB, atLeast: 0)]
    }

    public func description(in language: Language) -> String {
        language == .english ? "Swap is off" : "检查 swap 是否关闭"
    }

    /// Turns swap off now and on every boot.
    static let fix = #"swapoff -a && sed -ri '/\sswap\s/s/^#?/#/' /etc/fstab"#

    public func failures(in context: RequestContext, into failures: inout NodeFailures) throws {
        let expected = maximumMiB == 0 ? "0" : "<= \(ByteSize.text(mebibytes: maximumMiB))"
        try context.judgeMemberNodes(
            into: &failures, reading: \.swapTotalBytes, unknown: Self.unknownFact, expected: expected
        ) { node, bytes in
            guard bytes > Int64(maximumMiB) * ByteSize.mebibyte else { return nil }
            let actual = ByteSize.text(bytes)
            return NodeFailure(
                nodeID: node.id,
                message: context.text(
                    "\(node.host) 未关闭 swap, 当前 swap 为 \(actual)",
                    en: "\(node.host) has \(actual) of swap; turn swap off"
                ),
                expected: expected,
                actual: actual,
                fix: Self.fix
            )
        }
    }
}
