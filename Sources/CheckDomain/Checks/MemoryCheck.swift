/// `check_memory`: a node needs at least `minimumMiB` of memory (fail), and should have `recommendedMiB` (warn).
///
/// `MemTotal` is what the kernel can use, a little less than what is installed: an "8 GB" machine shows about
/// 7.6 GiB, so thresholds are best set a little under round sizes.
public struct MemoryCheck: CheckItem {
    public static let name = "check_memory"
    private static let unknownFact = UnknownFact("内存大小", "memory size")
    public let facts: [Fact] = [.memoryTotalBytes]
    /// Less memory fails, in MiB.
    public var minimumMiB = Self.defaultMinimumMiB {
        didSet { (minimum, expected) = Self.texts(minimumMiB) }
    }
    /// Less memory (but at least the minimum) warns, in MiB.
    public var recommendedMiB = 7680

    /// The defaults.
    public init() {}

    public static var settings: [CheckSetting<Self>] {
        [
            .integer("minimum_mib", \.minimumMiB, atLeast: 1),
            .integer("recommended_mib", \.recommendedMiB, atLeast: 1),
        ]
    }

    public func validate() throws(CheckSettingError) {
        guard recommendedMiB >= minimumMiB else {
            throw CheckSettingError(key: "recommended_mib", problem: "must be at least minimum_mib (\(minimumMiB))")
        }
    }

    public func description(in language: Language) -> String {
        language == .english ? "Memory size" : "检查内存大小"
    }

    /// `3.5 GiB` and `>= 3.5 GiB`: made when `minimumMiB` is set, not once per request.
    private var (minimum, expected) = Self.texts(Self.defaultMinimumMiB)
    private static let defaultMinimumMiB = 3584

    private static func texts(_ minimumMiB: Int) -> (minimum: String, expected: String) {
        let minimum = ByteSize.text(mebibytes: minimumMiB)
        return (minimum, ">= " + minimum)
    }

    public func failures(in context: RequestContext, into failures: inout NodeFailures) throws {
        try context.judgeMemberNodes(
            into: &failures, reading: \.memoryTotalBytes, unknown: Self.unknownFact, expected: expected
        ) { node, bytes in
            let actual = ByteSize.text(bytes)
            if bytes < Int64(minimumMiB) * ByteSize.mebibyte {
                return NodeFailure(
                    nodeID: node.id,
                    message: context.text(
                        "\(node.host) 内存不足, 当前为 \(actual), 至少需要 \(minimum)",
                        en: "\(node.host) has \(actual) of memory, at least \(minimum) needed"
                    ),
                    expected: expected,
                    actual: actual
                )
            }
            guard bytes < Int64(recommendedMiB) * ByteSize.mebibyte else { return nil }
            let recommended = ByteSize.text(mebibytes: recommendedMiB)
            return NodeFailure(
                nodeID: node.id,
                message: context.text(
                    "\(node.host) 内存低于建议值, 当前为 \(actual), 建议至少 \(recommended)",
                    en: "\(node.host) has \(actual) of memory, \(recommended) recommended"
                ),
                level: .warn,
                expected: ">= \(recommended)",
                actual: actual
            )
        }
    }
}
