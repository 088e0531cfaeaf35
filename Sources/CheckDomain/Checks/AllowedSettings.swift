/// The values of a setting that pass, and those that only warn; any other value fails.
public struct AllowedSettings: Sendable, Equatable {
    /// Values that pass.
    public var pass: [String]
    /// Values that warn.
    public var warn: [String]

    /// Creates the rule.
    public init(pass: [String], warn: [String]) {
        self.pass = pass
        self.warn = warn
    }

    /// nil when `value` passes, else its level.
    func level(of value: String) -> CheckLevel? {
        let value = value.lowercased()
        if pass.contains(value) { return nil }
        return warn.contains(value) ? .warn : .fail
    }

    /// `never`, or `disabled | permissive`.
    var expected: String { pass.joined(separator: " | ") }

    /// The thresholds as `GET /checks` shows them.
    var thresholds: [CheckThreshold] {
        [CheckThreshold("pass", .strings(pass)), CheckThreshold("warn", .strings(warn))]
    }
}
