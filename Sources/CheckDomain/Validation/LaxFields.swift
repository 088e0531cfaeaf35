/// Field validation with pydantic v2's lax-mode rules for `str` and `int` fields.
enum LaxFields {
    /// A required `str` field: only JSON strings are accepted.
    static func string(
        _ object: JSONObject,
        _ key: String,
        at location: [ValidationIssue.LocationStep],
        issues: inout ValidationIssueList
    ) -> String? {
        guard let value = object[key] else {
            issues.append(.missing(at: location + [.key(key)], in: .object(object)))
            return nil
        }
        guard case .string(let text) = value else {
            issues.append(
                .init(
                    type: "string_type", location: location + [.key(key)], message: "Input should be a valid string",
                    input: value)
            )
            return nil
        }
        return text
    }

    /// A required `int` field with lax coercion from bools, integral floats and integer strings.
    static func integer(
        _ object: JSONObject,
        _ key: String,
        at location: [ValidationIssue.LocationStep],
        issues: inout ValidationIssueList
    ) -> BigInteger? {
        guard let value = object[key] else {
            issues.append(.missing(at: location + [.key(key)], in: .object(object)))
            return nil
        }
        switch LaxInteger.validate(value) {
        case .success(let integer):
            return integer
        case .failure(let error):
            issues.append(
                .init(type: error.type, location: location + [.key(key)], message: error.message, input: value))
            return nil
        }
    }
}
