/// pydantic v2's lax `int` validation (python mode), as the reference service applies it to `node_id` and `port`.
enum LaxInteger {
    /// A refused value: pydantic's error type and message.
    struct Failure: Error, Equatable {
        var type: String
        var message: String

        static let intType = Failure(type: "int_type", message: "Input should be a valid integer")
        static let parsing = Failure(
            type: "int_parsing",
            message: "Input should be a valid integer, unable to parse string as an integer"
        )
        static let parsingSize = Failure(
            type: "int_parsing_size",
            message: "Unable to parse input string as an integer, exceeded maximum size"
        )
        static let fromFloat = Failure(
            type: "int_from_float",
            message: "Input should be a valid integer, got a number with a fractional part"
        )
        static let finiteNumber = Failure(type: "finite_number", message: "Input should be a finite number")
    }

    /// Validates any JSON value as an `int`.
    static func validate(_ value: JSONValue) -> Result<BigInteger, Failure> {
        switch value {
        case .integer(let integer): return .success(integer)
        case .bool(let flag): return .success(BigInteger(flag ? 1 : 0))
        case .float(let double): return fromFloat(double)
        case .string(let text): return fromString(text)
        case .null, .array, .object: return .failure(.intType)
        }
    }

    /// pydantic-core's `float_as_int`: finite, integral and strictly inside the `Int64` range.
    static func fromFloat(_ value: Double) -> Result<BigInteger, Failure> {
        guard value.isFinite else { return .failure(.finiteNumber) }
        guard value.rounded(.towardZero) == value else { return .failure(.fromFloat) }
        guard value > -9_223_372_036_854_775_808.0, value < 9_223_372_036_854_775_808.0 else {
            return .failure(.parsingSize)
        }
        return .success(BigInteger(Int64(value)))
    }

    /// The longest integer text pydantic converts (Python's `sys.get_int_max_str_digits()`); a `-` counts.
    static let maximumLength = 4300

    /// pydantic-core's `str_as_int` (jiter's strict integer parse, then `clean_int_str`), pinned down against
    /// pydantic 2.13.4 by `Tests/Oracle/lax_int_oracle.py` and its fixture of 7,709 cases.
    static func fromString(_ text: String) -> Result<BigInteger, Failure> {
        let raw = Array(text.utf8)
        // jiter refuses a leading run of `-?[1-9][0-9]*` over the limit before it looks any further.
        var runEnd = raw.first == UInt8(ascii: "-") ? 1 : 0
        if runEnd < raw.count, raw[runEnd] >= UInt8(ascii: "1"), raw[runEnd] <= UInt8(ascii: "9") {
            while runEnd < raw.count, isDigit(raw[runEnd]) { runEnd += 1 }
            if runEnd > maximumLength { return .failure(.parsingSize) }
        }
        if let value = plainInteger(raw[...]) { return .success(value) }
        guard let cleaned = cleaned(text), cleaned.count <= maximumLength, let value = plainInteger(cleaned[...]) else {
            return .failure(.parsing)
        }
        return .success(value)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// `^-?(0|[1-9][0-9]*)$`, the only form jiter's `NumberInt` accepts.
    private static func plainInteger(_ bytes: ArraySlice<UInt8>) -> BigInteger? {
        var digits = bytes
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard let first = digits.first, digits.allSatisfy(isDigit) else { return nil }
        if first == UInt8(ascii: "0") && digits.count > 1 { return nil }
        return BigInteger(negative: negative, digits: digits)
    }

    /// pydantic-core's `clean_int_str`: surrounding whitespace, one `+`, leading zeros (and underscores among them),
    /// a `.000` tail and single underscores between digits are dropped. Nil when the text cannot be an integer.
    private static func cleaned(_ text: String) -> [UInt8]? {
        var rest = Array(text.trimmingUnicodeWhitespace().utf8)[...]
        var negative = false
        if rest.first == UInt8(ascii: "+") {
            rest = rest.dropFirst()
            if rest.first == UInt8(ascii: "-") { return nil }
        } else if rest.first == UInt8(ascii: "-") {
            rest = rest.dropFirst()
            negative = true
            if rest.first == UInt8(ascii: "-") || rest.first == UInt8(ascii: "+") { return nil }
        }
        guard let first = rest.first else { return nil }
        switch first {
        case UInt8(ascii: "1")...UInt8(ascii: "9"), UInt8(ascii: "-"):
            break
        case UInt8(ascii: "0"):
            var index = rest.startIndex
            while index < rest.endIndex, rest[index] == UInt8(ascii: "0") || rest[index] == UInt8(ascii: "_") {
                index += 1
            }
            if index == rest.endIndex {
                rest = rest[(index - 1)...]
            } else if rest[index] == UInt8(ascii: "-")
                || (rest[index] >= UInt8(ascii: "1") && rest[index] <= UInt8(ascii: "9"))
            {
                rest = rest[index...]
            } else if rest[index] == UInt8(ascii: ".") {
                rest = rest[(index - 1)...]
            } else {
                return nil
            }
        default:
            return nil
        }
        if let dot = rest.firstIndex(of: UInt8(ascii: ".")) {
            let fraction = rest[(dot + 1)...]
            if !fraction.isEmpty && fraction.allSatisfy({ $0 == UInt8(ascii: "0") }) { rest = rest[..<dot] }
        }
        var result: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        let underscore = UInt8(ascii: "_")
        if rest.contains(underscore), rest.first != underscore, rest.last != underscore,
            !zip(rest, rest.dropFirst()).contains(where: { $0 == underscore && $1 == underscore })
        {
            result.append(contentsOf: rest.filter { $0 != underscore })
        } else {
            result.append(contentsOf: rest)
        }
        return result
    }
}
