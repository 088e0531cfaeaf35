import Foundation
import Testing

@testable import CheckDomain

/// The parser against 8,074 bodies whose outcome CPython 3.11's `json.loads` decided (Tests/Oracle/json_oracle.py).
@Suite struct JSONOracleTests {
    struct Case: Decodable {
        var label: String
        var bodyB64: String
        var outcome: String
        var canonical: String?
        var msg: String?
        var pos: Int?
    }

    @Test func everyFixtureCaseMatchesPython() throws {
        let cases = try Fixtures.load("json_cases.json", as: [Case].self)
        #expect(cases.count > 8000)
        var mismatches: [String] = []
        for item in cases {
            let body = try #require(Data(base64Encoded: item.bodyB64))
            let actual: String
            do {
                let value = try PythonJSONParser.parse([UInt8](body))
                var writer = PythonJSONWriter(escapesNonASCII: true, allowsNaN: true)
                writer.value(value)
                actual = "ok " + String(decoding: writer.bytes, as: UTF8.self)
            } catch {
                switch error {
                case .syntax(let message, let offset): actual = "json_error \(message) @\(offset)"
                case .unreadable: actual = "other_error"
                }
            }
            let expected: String
            switch item.outcome {
            case "ok": expected = "ok " + Self.replacingLoneSurrogates(try #require(item.canonical))
            case "json_error": expected = "json_error \(item.msg ?? "") @\(item.pos ?? -1)"
            default: expected = "other_error"
            }
            // Lone surrogates are the one documented difference: Python keeps them (and answers 500 when a response
            // must echo one), we keep U+FFFD. UTF-8-encoded surrogates (ED A0 80 ED B0 80) are two lone surrogates to
            // Python but print like a pair; two keys that differ only in lone surrogates become one key here.
            if actual != expected, actual.contains("\\ufffd"), expected.contains("\\ufffd") || expected.contains("\\ud")
            {
                #expect(actual.hasPrefix("ok ") && expected.hasPrefix("ok "), "\(item.label)")
                continue
            }
            if actual != expected, mismatches.count < 20 {
                mismatches.append("\(item.label): expected \(expected.prefix(200)), got \(actual.prefix(200))")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    }

    /// Python keeps lone surrogates (and answers 500 when it must echo one); we keep U+FFFD in their place.
    static func replacingLoneSurrogates(_ canonical: String) -> String {
        let scalars = Array(canonical.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        func escape(at position: Int) -> UInt32? {
            guard position + 6 <= scalars.count, scalars[position] == "\\", scalars[position + 1] == "u" else {
                return nil
            }
            return UInt32(String(String.UnicodeScalarView(scalars[(position + 2)..<(position + 6)])), radix: 16)
        }
        while index < scalars.count {
            if scalars[index] == "\\", index + 1 < scalars.count, scalars[index + 1] == "\\" {
                output.append(contentsOf: scalars[index...(index + 1)])
                index += 2
                continue
            }
            if let code = escape(at: index), (0xD800...0xDFFF).contains(code) {
                if (0xD800...0xDBFF).contains(code), let low = escape(at: index + 6), (0xDC00...0xDFFF).contains(low) {
                    output.append(contentsOf: scalars[index..<(index + 12)])
                    index += 12
                } else {
                    output.append(contentsOf: "\\ufffd".unicodeScalars)
                    index += 6
                }
                continue
            }
            output.append(scalars[index])
            index += 1
        }
        return String(output)
    }

    @Test(arguments: [
        (String(repeating: "[", count: 957) + String(repeating: "]", count: 957), true),
        (String(repeating: "[", count: 958) + String(repeating: "]", count: 958), false),
        (String(repeating: "[", count: 100_000), false),
        (String(repeating: "{\"a\":", count: 100_000), false),
    ])
    func nestingBeyondPythonsRecursionLimitIsUnreadable(body: String, parses: Bool) {
        let result = Result { () throws(JSONParseFailure) in try PythonJSONParser.parse(Array(body.utf8)) }
        switch result {
        case .success: #expect(parses)
        case .failure(let failure): #expect(!parses && failure == .unreadable)
        }
    }

    @Test func integersOfAnySizeKeepEveryDigit() throws {
        let digits = String(repeating: "9", count: 4300)
        #expect(
            try PythonJSONParser.parse(Array("-\(digits)".utf8))
                == .integer(BigInteger(negative: true, digits: Array(digits.utf8))))
        #expect(throws: JSONParseFailure.unreadable) { try PythonJSONParser.parse(Array((digits + "9").utf8)) }
    }

    @Test func duplicateKeysKeepFirstPositionAndLastValue() throws {
        let value = try PythonJSONParser.parse(Array(#"{"a":1,"b":2,"a":3}"#.utf8))
        var writer = PythonJSONWriter()
        writer.value(value)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"a":3,"b":2}"#)
    }

    @Test func keysAreComparedByCodePointsNotByCanonicalEquivalence() throws {
        let value = try PythonJSONParser.parse(Array("{\"é\":1,\"e\u{301}\":2}".utf8))
        guard case .object(let object) = value else {
            Issue.record("not an object")
            return
        }
        #expect(object.members.count == 2)
    }
}
