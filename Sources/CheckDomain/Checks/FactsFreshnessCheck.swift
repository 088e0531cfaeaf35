import Foundation

/// `check_facts_freshness`: facts older than `maximumAgeHours` are not trusted (fail), older than `warnAgeHours`
/// are getting old (warn); facts without a collection time are listed as unknown.
public struct FactsFreshnessCheck: CheckItem {
    public static let name = "check_facts_freshness"
    private static let unknownFact = UnknownFact("节点信息采集时间", "facts collection time")
    public let facts: [Fact] = [.collectedAt]
    /// Older facts fail, in hours.
    public var maximumAgeHours = Self.defaultMaximumAgeHours {
        didSet { limit = Self.limit(maximumAgeHours) }
    }
    /// Older facts (but within the maximum) warn, in hours.
    public var warnAgeHours = 12

    /// The defaults.
    public init() {}

    public static var settings: [CheckSetting<Self>] {
        [
            .integer("max_age_hours", \.maximumAgeHours, atLeast: 1),
            .integer("warn_age_hours", \.warnAgeHours, atLeast: 0),
        ]
    }

    public func validate() throws(CheckSettingError) {
        guard warnAgeHours <= maximumAgeHours else {
            throw CheckSettingError(
                key: "warn_age_hours", problem: "must not exceed max_age_hours (\(maximumAgeHours))")
        }
    }

    public func description(in language: Language) -> String {
        language == .english ? "Facts are recent" : "检查节点信息是否过期"
    }

    /// Collects the node's facts again over SSH and stores them: run where the inventory is, not on the node (which
    /// needs nothing of ours installed).
    static let fix = NodeIDCommand("fcgi-check nodes collect ")

    /// How far in the future a collection time may lie (clocks of different machines differ a little).
    static let clockSkewTolerance: TimeInterval = 300

    /// `2 h`, `3 d 4 h`, `15 min`.
    static func ageText(_ seconds: TimeInterval) -> String {
        // An absurd collection time (year 1, say, from a hand-edited inventory) must not overflow: days are capped.
        let minutes = Int(min(seconds / 60, 1e15))
        if minutes < 60 { return "\(minutes) min" }
        let hours = minutes / 60
        return hours < 48 ? "\(hours) h" : "\(hours / 24) d \(hours % 24) h"
    }

    /// `<= 24 h`: made when `maximumAgeHours` is set, not once per request.
    private var limit = Self.limit(Self.defaultMaximumAgeHours)
    private static let defaultMaximumAgeHours = 24

    private static func limit(_ hours: Int) -> String {
        "<= \(hours) h"
    }

    public func failures(in context: RequestContext, into failures: inout NodeFailures) throws {
        for node in try context.memberNodes() {
            guard let collectedAt = node.facts.collectedAt else {
                // Never collected (or stored without a time): collecting is the fix here too.
                failures.appendUnknown(
                    node, Self.unknownFact, expected: limit, fix: Self.fix, fixLocation: .inventory,
                    language: context.language)
                continue
            }
            if let failure = judge(node, collectedAt: collectedAt, in: context) { failures.append(failure) }
        }
    }

    /// What is wrong with the age of `node`'s facts, collected at `collectedAt`; nil when nothing is.
    private func judge(_ node: Node, collectedAt: Date, in context: RequestContext) -> NodeFailure? {
        let age = context.now.timeIntervalSince(collectedAt)
        // Collected in the future (beyond a few minutes of clock skew), or at no real time at all: the node's
        // clock or the stored time is wrong, so how old the facts are cannot be known.
        if !age.isFinite || age < -Self.clockSkewTolerance {
            let actual =
                collectedAt.timeIntervalSince1970.magnitude < 1e11
                ? ISO8601DateFormatter().string(from: collectedAt) : "\(collectedAt.timeIntervalSince1970)"
            return .unknown(
                node, Self.unknownFact, expected: limit, actual: actual, in: context)
        }
        let level: CheckLevel
        if age > TimeInterval(maximumAgeHours) * 3600 {
            level = .fail
        } else if age > TimeInterval(warnAgeHours) * 3600 {
            level = .warn
        } else {
            return nil
        }
        let ageText = Self.ageText(age)
        return NodeFailure(
            nodeID: node.id,
            message: level == .fail
                ? context.text(
                    "\(node.host) 节点信息已过期, 采集于 \(ageText) 前, 上限 \(maximumAgeHours) h",
                    en: "\(node.host) facts were collected \(ageText) ago, over the \(maximumAgeHours) h limit"
                )
                : context.text(
                    "\(node.host) 节点信息即将过期, 采集于 \(ageText) 前, 上限 \(maximumAgeHours) h",
                    en: "\(node.host) facts were collected \(ageText) ago, near the \(maximumAgeHours) h limit"
                ),
            level: level,
            expected: level == .fail ? limit : "<= \(warnAgeHours) h",
            actual: ageText,
            fix: Self.fix.text(for: node.id),
            fixLocation: .inventory
        )
    }
}
