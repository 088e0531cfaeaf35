/// One threshold a check item applies, as the policy file names it and `GET /checks` shows it.
public struct CheckThreshold: Sendable, Equatable {
    /// The policy key inside the check item's table, e.g. `minimum_mib`.
    public var key: String
    /// The value in force.
    public var value: JSONValue

    /// Creates a threshold.
    public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}

extension JSONValue {
    /// A JSON integer.
    static func int(_ value: Int) -> JSONValue { .integer(BigInteger(Int64(value))) }

    /// A JSON array of strings.
    static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
}
