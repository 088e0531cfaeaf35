import TOMLKit

/// One rule of `check_sysctl`: a kernel setting's value must be at least `minimum`, at most `maximum`, or one of
/// `allowed`; a node that breaks it gets the rule's level.
public struct SysctlRule: Sendable, Equatable {
    /// The setting's `sysctl` name, e.g. `vm.swappiness`.
    public var name: String
    /// Smaller values break the rule.
    public var minimum: Int64?
    /// Larger values break the rule.
    public var maximum: Int64?
    /// When set, any other value breaks the rule.
    public var allowed: [Int64]?
    /// How bad breaking it is.
    public var level: CheckLevel

    /// Creates a rule.
    public init(
        _ name: String, minimum: Int64? = nil, maximum: Int64? = nil, allowed: [Int64]? = nil,
        level: CheckLevel = .fail
    ) {
        self.name = name
        self.minimum = minimum
        self.maximum = maximum
        self.allowed = allowed
        self.level = level
    }

    /// `>= 1000000`, `<= 1`, `0 | 1`, `>= 1, <= 5`.
    public var expected: String {
        if let allowed { return allowed.map(String.init).joined(separator: " | ") }
        return [minimum.map { ">= \($0)" }, maximum.map { "<= \($0)" }].compactMap { $0 }.joined(separator: ", ")
    }

    /// The value a fix sets: the bound that is broken (the minimum, or the maximum), or the first allowed value.
    func target(for value: SysctlValue) -> Int64? {
        if let allowed { return allowed.first }
        if let minimum, value < minimum { return minimum }
        if let maximum, value > maximum { return maximum }
        return nil
    }

    /// Whether `value` keeps the rule.
    func isKept(by value: SysctlValue) -> Bool {
        if let allowed { return allowed.contains { value == $0 } }
        if let minimum, value < minimum { return false }
        if let maximum, value > maximum { return false }
        return true
    }

    /// The rule as `GET /checks` shows it: `{"min": 1000000, "level": "fail"}`.
    var shown: JSONValue {
        var pairs: [(String, JSONValue)] = []
        if let minimum { pairs.append(("min", .integer(BigInteger(minimum)))) }
        if let maximum { pairs.append(("max", .integer(BigInteger(maximum)))) }
        if let allowed { pairs.append(("one_of", .array(allowed.map { .integer(BigInteger($0)) }))) }
        pairs.append(("level", .string(level.rawValue)))
        return .object(JSONObject(pairs))
    }

    /// The keys of a rule's table in the policy file.
    static let keys = ["min", "max", "one_of", "level"]

    /// Reads a rule's table (`{ min = 1000000 }`); `key` names it in errors.
    static func read(_ name: String, _ table: TOMLTable, key: String) throws(CheckSettingError) -> SysctlRule {
        for found in table.keys.sorted() where !keys.contains(found) {
            throw CheckSettingError(
                key: "\(key).\(found)", problem: "unknown key (known: \(keys.joined(separator: ", ")))")
        }
        var rule = SysctlRule(name)
        if let value = table["min"] { rule.minimum = try integer(value, key: "\(key).min") }
        if let value = table["max"] { rule.maximum = try integer(value, key: "\(key).max") }
        if let value = table["one_of"] {
            guard let array = value.array else { throw .wrongType("\(key).one_of", "an array of integers", value) }
            var allowed: [Int64] = []
            for element in array { allowed.append(try integer(element, key: "\(key).one_of")) }
            guard !allowed.isEmpty else {
                throw CheckSettingError(key: "\(key).one_of", problem: "must name at least one value")
            }
            rule.allowed = allowed
        }
        if let value = table["level"] {
            let text = try SettingValue.string(value, key: "\(key).level")
            guard let level = CheckLevel(rawValue: text) else {
                throw CheckSettingError(key: "\(key).level", problem: "must be \"fail\" or \"warn\", not \"\(text)\"")
            }
            rule.level = level
        }
        if rule.allowed != nil && (rule.minimum != nil || rule.maximum != nil) {
            throw CheckSettingError(key: key, problem: "one_of cannot be combined with min or max")
        }
        guard rule.allowed != nil || rule.minimum != nil || rule.maximum != nil else {
            throw CheckSettingError(key: key, problem: "must set min, max or one_of")
        }
        if let minimum = rule.minimum, let maximum = rule.maximum, minimum > maximum {
            throw CheckSettingError(key: "\(key).min", problem: "must not exceed max (\(maximum))")
        }
        return rule
    }

    private static func integer(_ value: any TOMLValueConvertible, key: String) throws(CheckSettingError) -> Int64 {
        guard let number = value.int else { throw .wrongType(key, "an integer", value) }
        return Int64(number)
    }
}
