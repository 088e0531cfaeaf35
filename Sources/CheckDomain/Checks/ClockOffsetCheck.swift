/// `check_clock_offset`: a node's clock against the collecting machine's, measured while collecting: more than
/// `maximumMs` fails, more than `warnMs` warns.
///
/// The offset is known only within its error bound (half the round trip, plus half a second where the node's `date`
/// prints whole seconds), so it is judged at its worst, `|offset| + error`: a node passes only when its clock is
/// shown to be close, never because a coarse measurement happened to land near zero.
public struct ClockOffsetCheck: CheckItem {
    public static let name = "check_clock_offset"
    private static let unknownFact = UnknownFact("时钟偏差", "clock offset")
    public let facts: [Fact] = [.clockOffsetSeconds, .clockOffsetErrorSeconds]
    /// A larger offset fails, in milliseconds.
    public var maximumMs = Self.defaultMaximumMs {
        didSet { expected = Self.expected(maximumMs) }
    }
    /// A larger offset (within the maximum) warns, in milliseconds.
    public var warnMs = 100

    /// The defaults.
    public init() {}

    public static var settings: [CheckSetting<Self>] {
        [.integer("maximum_ms", \.maximumMs, atLeast: 1), .integer("warn_ms", \.warnMs, atLeast: 0)]
    }

    public func validate() throws(CheckSettingError) {
        guard warnMs <= maximumMs else {
            throw CheckSettingError(key: "warn_ms", problem: "must not exceed maximum_ms (\(maximumMs))")
        }
    }

    public func description(in language: Language) -> String {
        language == .english ? "Clock offset" : "检查时钟偏差"
    }

    /// Milliseconds, rounded, capped so that an absurd stored offset cannot overflow.
    static func milliseconds(_ seconds: Double) -> Int {
        Int((min(max(seconds, -1e12), 1e12) * 1000).rounded())
    }

    /// The node's measured offset and its error bound, when both are known.
    private static func measurement(_ facts: borrowing NodeFacts) -> (offset: Double, error: Double)? {
        guard let offset = facts.clockOffsetSeconds, let error = facts.clockOffsetErrorSeconds else { return nil }
        return (offset, error)
    }

    /// `<= 500 ms`: made when `maximumMs` is set, not once per request.
    private var expected = Self.expected(Self.defaultMaximumMs)
    private static let defaultMaximumMs = 500

    private static func expected(_ maximumMs: Int) -> String {
        "<= \(maximumMs) ms"
    }

    public func failures(in context: RequestContext, into failures: inout NodeFailures) throws {
        try context.judgeMemberNodes(
            into: &failures, reading: Self.measurement, unknown: Self.unknownFact, expected: expected
        ) { node, measurement in
            let (offset, error) = measurement
            // A measurement no clock can give is unknown as well.
            guard offset.isFinite, error.isFinite, error >= 0 else {
                return .unknown(node, Self.unknownFact, expected: expected, in: context)
            }
            let worst = Self.milliseconds(abs(offset) + error)
            guard worst > warnMs else { return nil }
            let measured = Self.milliseconds(offset)
            let signed = measured > 0 ? "+\(measured)" : "\(measured)"
            let bound = Self.milliseconds(error)
            let actual = "\(signed) ms ± \(bound) ms"
            if worst > maximumMs {
                return NodeFailure(
                    nodeID: node.id,
                    message: context.text(
                        "\(node.host) 时钟与采集机相差 \(signed) ms (误差 ±\(bound) ms), 上限 \(maximumMs) ms",
                        en: """
                            \(node.host) clock is \(signed) ms off the collector's (± \(bound) ms), over the \
                            \(maximumMs) ms limit
                            """
                    ),
                    expected: expected,
                    actual: actual
                )
            }
            return NodeFailure(
                nodeID: node.id,
                message: context.text(
                    "\(node.host) 时钟与采集机相差 \(signed) ms (误差 ±\(bound) ms), 建议不超过 \(warnMs) ms",
                    en: """
                        \(node.host) clock is \(signed) ms off the collector's (± \(bound) ms), \(warnMs) ms \
                        recommended
                        """
                ),
                level: .warn,
                expected: "<= \(warnMs) ms",
                actual: actual
            )
        }
    }
}
