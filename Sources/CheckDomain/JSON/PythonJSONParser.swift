/// Why a body is not a JSON document, in the two ways the reference service tells apart.
public enum JSONParseFailure: Error, Equatable, Sendable {
    /// What Python's `json.loads` raises as `JSONDecodeError`: its message and the character offset it names.
    case syntax(message: String, characterOffset: Int)
    /// What Python fails on with any other exception: undecodable bytes, nesting too deep for its recursion limit,
    /// an integer of more than 4,300 digits.
    case unreadable
}

/// A JSON parser that accepts, rejects and reports exactly as CPython's `json.loads(bytes)` (its C scanner) does.
///
/// Foundation's `JSONSerialization` cannot serve here: the reference service's 422 bodies carry Python's error message
/// and character offset, accept `NaN`/`Infinity`, keep integers of any size and resolve duplicate keys the `dict` way.
public enum PythonJSONParser {
    /// Nesting deeper than this is refused as `unreadable`, as Python's recursion limit refuses it. The reference's
    /// threshold depends on its stack depth: under uvicorn 0.54 it answers 400 from 958 levels (and 500 for 953 to
    /// 957), through Starlette's TestClient from 964. This follows the deployed service; it is a measurement, not a
    /// contract.
    public static let maximumDepth = 957

    /// Python refuses to convert integers with more digits than this (`sys.get_int_max_str_digits()`).
    public static let maximumIntegerDigits = 4300

    /// Parses a request body.
    /// - Throws: `JSONParseFailure`.
    public static func parse(_ body: [UInt8]) throws(JSONParseFailure) -> JSONValue {
        let text: [UInt8]
        do {
            text = try PythonTextDecoding.decode(body)
        } catch {
            throw .unreadable
        }
        do {
            return try text.withUnsafeBufferPointer { buffer throws(Scanner.Failure) in
                var scanner = Scanner(text: buffer)
                return try scanner.decodeDocument()
            }
        } catch {
            switch error {
            case .syntax(let message, let byteOffset):
                throw .syntax(message: message, characterOffset: characterOffset(of: byteOffset, in: text))
            case .unreadable:
                throw .unreadable
            }
        }
    }

    /// Python counts offsets in code points; `text` is generalized UTF-8, so count the lead bytes before `byteOffset`.
    static func characterOffset(of byteOffset: Int, in text: [UInt8]) -> Int {
        var count = 0
        for byte in text[..<min(byteOffset, text.count)] where byte & 0xC0 != 0x80 { count += 1 }
        return count + max(0, byteOffset - text.count)
    }
}

/// The scanner proper; its structure follows CPython's `Modules/_json.c` so that every error lands where Python's does.
private struct Scanner {
    enum Failure: Error {
        case syntax(String, Int)
        case unreadable
    }

    let text: UnsafeBufferPointer<UInt8>
    let length: Int
    var depth = 0

    init(text: UnsafeBufferPointer<UInt8>) {
        self.text = text
        self.length = text.count
    }

    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")

    @inline(__always) private func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    @inline(__always) private func isDigit(_ index: Int) -> Bool {
        index < length && text[index] >= 0x30 && text[index] <= 0x39
    }

    @inline(__always) private func skipWhitespace(_ index: Int) -> Int {
        var index = index
        while index < length, isWhitespace(text[index]) { index += 1 }
        return index
    }

    /// `JSONDecoder.decode`: one value, surrounded by whitespace only.
    mutating func decodeDocument() throws(Failure) -> JSONValue {
        let start = skipWhitespace(0)
        let (value, next) = try scanOnce(start)
        let end = skipWhitespace(next)
        if end != length { throw .syntax("Extra data", end) }
        return value
    }

    private func matches(_ literal: StaticString, at index: Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= length else { return false }
        let bytes = literal.utf8Start
        for offset in 0..<count where text[index + offset] != bytes[offset] { return false }
        return true
    }

    /// `scan_once_unicode`; a missing value is Python's `StopIteration`, reported as "Expecting value".
    private mutating func scanOnce(_ index: Int) throws(Failure) -> (JSONValue, Int) {
        guard index < length else { throw .syntax("Expecting value", index) }
        switch text[index] {
        case Self.quote:
            let (string, next) = try scanString(index + 1)
            return (.string(string), next)
        case UInt8(ascii: "{"):
            try enterContainer()
            defer { depth -= 1 }
            return try parseObject(index + 1)
        case UInt8(ascii: "["):
            try enterContainer()
            defer { depth -= 1 }
            return try parseArray(index + 1)
        case UInt8(ascii: "n") where matches("null", at: index):
            return (.null, index + 4)
        case UInt8(ascii: "t") where matches("true", at: index):
            return (.bool(true), index + 4)
        case UInt8(ascii: "f") where matches("false", at: index):
            return (.bool(false), index + 5)
        case UInt8(ascii: "N") where matches("NaN", at: index):
            return (.float(.nan), index + 3)
        case UInt8(ascii: "I") where matches("Infinity", at: index):
            return (.float(.infinity), index + 8)
        case UInt8(ascii: "-") where matches("-Infinity", at: index):
            return (.float(-.infinity), index + 9)
        default:
            return try matchNumber(index)
        }
    }

    private mutating func enterContainer() throws(Failure) {
        depth += 1
        if depth > PythonJSONParser.maximumDepth { throw .unreadable }
    }

    /// `_match_number_unicode`, including its backtracking over a dangling exponent.
    private func matchNumber(_ start: Int) throws(Failure) -> (JSONValue, Int) {
        let endIndex = length - 1
        var index = start
        let negative = text[index] == UInt8(ascii: "-")
        if negative {
            index += 1
            if index > endIndex { throw .syntax("Expecting value", start) }
        }
        let first = text[index]
        if first >= UInt8(ascii: "1") && first <= UInt8(ascii: "9") {
            index += 1
            while isDigit(index) { index += 1 }
        } else if first == UInt8(ascii: "0") {
            index += 1
        } else {
            throw .syntax("Expecting value", start)
        }
        let integerEnd = index
        var isFloat = false
        if index < endIndex, text[index] == UInt8(ascii: "."), isDigit(index + 1) {
            isFloat = true
            index += 2
            while isDigit(index) { index += 1 }
        }
        if index < endIndex, text[index] == UInt8(ascii: "e") || text[index] == UInt8(ascii: "E") {
            let exponentStart = index
            index += 1
            if index < endIndex, text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+") { index += 1 }
            while isDigit(index) { index += 1 }
            if text[index - 1] >= UInt8(ascii: "0") && text[index - 1] <= UInt8(ascii: "9") {
                isFloat = true
            } else {
                index = exponentStart
            }
        }
        if isFloat {
            let literal = String(decoding: UnsafeBufferPointer(rebasing: text[start..<index]), as: UTF8.self)
            guard let value = Double(literal) else { throw .unreadable }
            return (.float(value), index)
        }
        let digitsStart = negative ? start + 1 : start
        if integerEnd - digitsStart > PythonJSONParser.maximumIntegerDigits { throw .unreadable }
        let digits = UnsafeBufferPointer(rebasing: text[digitsStart..<integerEnd])
        return (.integer(BigInteger(negative: negative, digits: digits)), index)
    }

    /// `scanstring_unicode` (strict mode): `end` is the index just after the opening quote.
    private func scanString(_ startAfterQuote: Int) throws(Failure) -> (String, Int) {
        let begin = startAfterQuote - 1
        var end = startAfterQuote
        // Fast path: no escapes.
        var next = end
        while next < length {
            let byte = text[next]
            if byte == Self.quote {
                return (Self.makeString(UnsafeBufferPointer(rebasing: text[end..<next])), next + 1)
            }
            if byte == Self.backslash { break }
            if byte <= 0x1F { throw .syntax("Invalid control character at", next) }
            next += 1
        }
        var output: [UInt8] = []
        while true {
            var terminator: UInt8 = 0
            next = end
            while next < length {
                let byte = text[next]
                if byte == Self.quote || byte == Self.backslash {
                    terminator = byte
                    break
                }
                if byte <= 0x1F { throw .syntax("Invalid control character at", next) }
                next += 1
            }
            guard next < length else { throw .syntax("Unterminated string starting at", begin) }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: text[end..<next]))
            next += 1
            if terminator == Self.quote {
                end = next
                break
            }
            if next == length { throw .syntax("Unterminated string starting at", begin) }
            let escape = text[next]
            if escape != UInt8(ascii: "u") {
                end = next + 1
                switch escape {
                case Self.quote, Self.backslash, UInt8(ascii: "/"): output.append(escape)
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                default: throw .syntax("Invalid \\escape", end - 2)
                }
                continue
            }
            next += 1
            end = next + 4
            if end >= length { throw .syntax("Invalid \\uXXXX escape", next - 1) }
            guard var code = hexValue(at: next) else { throw .syntax("Invalid \\uXXXX escape", end - 5) }
            if (0xD800...0xDBFF).contains(code), end + 6 < length, text[end] == Self.backslash,
                text[end + 1] == UInt8(ascii: "u")
            {
                end += 6
                guard let low = hexValue(at: end - 4) else { throw .syntax("Invalid \\uXXXX escape", end - 5) }
                if (0xDC00...0xDFFF).contains(low) {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    end -= 6
                }
            }
            // A lone surrogate cannot live in a Swift string; Python keeps it, but then cannot encode any response
            // that echoes it (it answers 500), so the replacement character is only ever seen where Python fails.
            if (0xD800...0xDFFF).contains(code) { code = 0xFFFD }
            PythonTextDecoding.appendScalar(code, to: &output)
        }
        return (output.withUnsafeBufferPointer(Self.makeString), end)
    }

    /// A Swift string from generalized UTF-8: each encoded lone surrogate (ED A0..BF xx) becomes one U+FFFD, so a
    /// string holds as many characters as Python's would.
    private static func makeString(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard let first = bytes.firstIndex(where: { $0 == 0xED }) else { return String(decoding: bytes, as: UTF8.self) }
        var cleaned = Array(bytes[..<first])
        var index = first
        while index < bytes.count {
            if bytes[index] == 0xED, index + 2 < bytes.count, bytes[index + 1] >= 0xA0 {
                cleaned.append(contentsOf: [0xEF, 0xBF, 0xBD])
                index += 3
            } else {
                cleaned.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: cleaned, as: UTF8.self)
    }

    private func hexValue(at index: Int) -> UInt32? {
        var value: UInt32 = 0
        for offset in 0..<4 {
            let byte = text[index + offset]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            value = value << 4 | digit
        }
        return value
    }

    /// `_parse_object_unicode`.
    private mutating func parseObject(_ start: Int) throws(Failure) -> (JSONValue, Int) {
        var object = JSONObject()
        var index = skipWhitespace(start)
        if index >= length || text[index] != UInt8(ascii: "}") {
            while true {
                guard index < length, text[index] == Self.quote else {
                    throw .syntax("Expecting property name enclosed in double quotes", index)
                }
                let (key, afterKey) = try scanString(index + 1)
                index = skipWhitespace(afterKey)
                guard index < length, text[index] == UInt8(ascii: ":") else {
                    throw .syntax("Expecting ':' delimiter", index)
                }
                index = skipWhitespace(index + 1)
                let (value, afterValue) = try scanOnce(index)
                object[key] = value
                index = skipWhitespace(afterValue)
                if index < length, text[index] == UInt8(ascii: "}") { break }
                guard index < length, text[index] == UInt8(ascii: ",") else {
                    throw .syntax("Expecting ',' delimiter", index)
                }
                index = skipWhitespace(index + 1)
            }
        }
        return (.object(object), index + 1)
    }

    /// `_parse_array_unicode`.
    private mutating func parseArray(_ start: Int) throws(Failure) -> (JSONValue, Int) {
        var array: [JSONValue] = []
        var index = skipWhitespace(start)
        if index >= length || text[index] != UInt8(ascii: "]") {
            while true {
                let (value, afterValue) = try scanOnce(index)
                array.append(value)
                index = skipWhitespace(afterValue)
                if index < length, text[index] == UInt8(ascii: "]") { break }
                guard index < length, text[index] == UInt8(ascii: ",") else {
                    throw .syntax("Expecting ',' delimiter", index)
                }
                index = skipWhitespace(index + 1)
            }
        }
        return (.array(array), index + 1)
    }
}
