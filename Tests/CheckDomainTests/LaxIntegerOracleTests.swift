import Foundation
import Testing

@testable import CheckDomain

/// Lax `int` validation against 7,709 inputs whose outcome pydantic 2.13.4 decided (Tests/Oracle/lax_int_oracle.py).
@Suite struct LaxIntegerOracleTests {
    struct Case: Decodable {
        var kind: String
        var input: String?
        var inputParts: [[Fixtures.PartElement]]?
        var ok: Bool
        var value: String?
        var valueParts: [[Fixtures.PartElement]]?
        var error: String?
    }

    struct OtherKindCase: Decodable {
        var kind: String
        var field: String
        var inputJson: String?
        var inputIntParts: [[Fixtures.PartElement]]?
        var ok: Bool
        var value: String?
        var valueParts: [[Fixtures.PartElement]]?
        var error: String?
    }

    @Test func everyStringAndFloatCaseMatchesPydantic() throws {
        let cases = try Fixtures.load("lax_int_cases.json", as: [Case].self)
        #expect(cases.count > 7000)
        var mismatches: [String] = []
        for item in cases {
            let input = item.input ?? item.inputParts.map(Fixtures.expand) ?? ""
            let result: Result<BigInteger, LaxInteger.Failure>
            if item.kind == "str" {
                result = LaxInteger.fromString(input)
            } else {
                let double = try #require(Double(input), "float repr \(input)")
                result = LaxInteger.fromFloat(double)
            }
            let expected =
                item.ok
                ? "ok \(item.value ?? item.valueParts.map(Fixtures.expand) ?? "")" : "error \(item.error ?? "")"
            let actual: String
            switch result {
            case .success(let value): actual = "ok \(value)"
            case .failure(let failure): actual = "error \(failure.type)"
            }
            if actual != expected, mismatches.count < 20 {
                mismatches.append(
                    "\(item.kind) \(input.debugDescription.prefix(60)): expected \(expected.prefix(60)), got \(actual.prefix(60))"
                )
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    }

    @Test func otherKindsMatchPydantic() throws {
        let cases = try Fixtures.load("lax_int_other_kinds.json", as: [OtherKindCase].self)
        for item in cases {
            let json = item.inputJson ?? item.inputIntParts.map(Fixtures.expand) ?? ""
            let expectedValue = item.value ?? item.valueParts.map(Fixtures.expand)
            let value = try PythonJSONParser.parse(Array(json.utf8))
            var object = JSONObject()
            object["f"] = value
            var issues = ValidationIssueList()
            if item.field == "int" {
                let result = LaxFields.integer(object, "f", at: ["body"], issues: &issues)
                #expect(result.map(\.description) == (item.ok ? expectedValue : nil), "\(json.prefix(40))")
            } else {
                _ = LaxFields.string(object, "f", at: ["body"], issues: &issues)
            }
            #expect(issues.first?.type == item.error, "\(item.field) \(json.prefix(40))")
        }
    }

    @Test func errorMessagesArePydanticsWording() throws {
        let messages = try Fixtures.load("pydantic_error_messages.json", as: [String: String].self)
        for failure in [LaxInteger.Failure.intType, .parsing, .parsingSize, .fromFloat, .finiteNumber] {
            #expect(messages[failure.type] == failure.message)
        }
    }
}
