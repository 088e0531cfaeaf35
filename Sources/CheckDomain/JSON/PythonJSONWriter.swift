/// Writes JSON byte for byte as the reference service's responses are written: Starlette's
/// `json.dumps(content, ensure_ascii=False, separators=(",", ":"))`, UTF-8 encoded.
///
/// Python's formatting is part of the contract (compact separators, raw non-ASCII, `\u00XX` for other control
/// characters, `repr` of floats such as `1e+16` and `100.0`), which is why this is not Foundation's `JSONEncoder`.
public struct PythonJSONWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []
    /// Python's `ensure_ascii=True`: non-ASCII written as `\uXXXX` escapes (responses use false, as Starlette does).
    public var escapesNonASCII = false
    /// Python's `allow_nan=True`: NaN and infinities as the bare literals `NaN`, `Infinity`, `-Infinity` (not JSON).
    public var allowsNaN = false

    /// Creates an empty writer, reserving room for `capacity` bytes.
    public init(capacity: Int = 256, escapesNonASCII: Bool = false, allowsNaN: Bool = false) {
        bytes.reserveCapacity(capacity)
        self.escapesNonASCII = escapesNonASCII
        self.allowsNaN = allowsNaN
    }

    /// Appends raw JSON punctuation or a literal.
    public mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends one raw byte.
    public mutating func byte(_ value: UInt8) {
        bytes.append(value)
    }

    /// Appends a quoted, escaped string.
    public mutating func string(_ value: String) {
        if escapesNonASCII && !value.utf8.allSatisfy({ $0 < 0x7F }) {
            asciiString(value)
            return
        }
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var runStart = 0
            for (offset, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<offset]))
                appendEscape(byte)
                runStart = offset + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func asciiString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for scalar in value.unicodeScalars {
            if scalar.value < 0x7F {
                let byte = UInt8(scalar.value)
                if byte < 0x20 || byte == 0x22 || byte == 0x5C { appendEscape(byte) } else { bytes.append(byte) }
            } else {
                for unit in String(scalar).utf16 {
                    raw("\\u")
                    let hex = String(unit, radix: 16)
                    bytes.append(contentsOf: (String(repeating: "0", count: 4 - hex.count) + hex).utf8)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscape(_ byte: UInt8) {
        switch byte {
        case 0x22: raw("\\\"")
        case 0x5C: raw("\\\\")
        case 0x0A: raw("\\n")
        case 0x0D: raw("\\r")
        case 0x09: raw("\\t")
        case 0x08: raw("\\b")
        case 0x0C: raw("\\f")
        default:
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            raw("\\u00")
            bytes.append(hex[Int(byte >> 4)])
            bytes.append(hex[Int(byte & 0x0F)])
        }
    }

    /// Appends an integer.
    public mutating func integer(_ value: Int64) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// Appends an integer of any size.
    public mutating func integer(_ value: BigInteger) {
        bytes.append(contentsOf: value.description.utf8)
    }

    /// Appends a float as Python's `repr` writes it.
    ///
    /// Python cannot write NaN or infinities in strict JSON (Starlette fails with a 500); unless `allowsNaN`, they
    /// are written as the strings `"NaN"`, `"Infinity"` and `"-Infinity"` so that the answer stays valid JSON.
    public mutating func float(_ value: Double) {
        if value.isNaN {
            allowsNaN ? raw("NaN") : raw("\"NaN\"")
        } else if value.isInfinite {
            switch (value > 0, allowsNaN) {
            case (true, true): raw("Infinity")
            case (true, false): raw("\"Infinity\"")
            case (false, true): raw("-Infinity")
            case (false, false): raw("\"-Infinity\"")
            }
        } else {
            bytes.append(contentsOf: Self.pythonRepr(value).utf8)
        }
    }

    /// Appends any JSON value.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: raw("null")
        case .bool(let flag): flag ? raw("true") : raw("false")
        case .integer(let integer): self.integer(integer)
        case .float(let double): float(double)
        case .string(let text): string(text)
        case .array(let elements):
            raw("[")
            for (offset, element) in elements.enumerated() {
                if offset > 0 { raw(",") }
                self.value(element)
            }
            raw("]")
        case .object(let object):
            raw("{")
            for (offset, member) in object.members.enumerated() {
                if offset > 0 { raw(",") }
                string(member.key)
                raw(":")
                self.value(member.value)
            }
            raw("}")
        }
    }

    /// Python's `repr(float)`: the shortest round-tripping digits, in positional notation when the decimal exponent
    /// is in -4 ..< 16 (with `.0` on integral values), otherwise as `d.ddde±XX`.
    static func pythonRepr(_ value: Double) -> String {
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        // Swift's description has the same shortest digits; only the layout differs.
        let swift = value.magnitude.description
        var mantissa = Substring(swift)
        var exponent = 0
        if let e = swift.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = swift[..<e]
            exponent = Int(swift[swift.index(after: e)...]) ?? 0
        }
        var digits = ""
        var pointPosition = 0
        if let dot = mantissa.firstIndex(of: ".") {
            let integerPart = mantissa[..<dot]
            digits = String(integerPart) + mantissa[mantissa.index(after: dot)...]
            pointPosition = integerPart.count
        } else {
            digits = String(mantissa)
            pointPosition = digits.count
        }
        // Normalise to digits d1d2...dn with value 0.d1d2...dn × 10^decimalPoint.
        let leadingZeros = digits.prefix(while: { $0 == "0" }).count
        digits.removeFirst(leadingZeros)
        pointPosition -= leadingZeros
        while digits.count > 1, digits.last == "0" { digits.removeLast() }
        let decimalPoint = pointPosition + exponent
        let sign = value < 0 ? "-" : ""
        if decimalPoint > -4 && decimalPoint <= 16 {
            if decimalPoint <= 0 {
                return sign + "0." + String(repeating: "0", count: -decimalPoint) + digits
            }
            if digits.count <= decimalPoint {
                return sign + digits + String(repeating: "0", count: decimalPoint - digits.count) + ".0"
            }
            let split = digits.index(digits.startIndex, offsetBy: decimalPoint)
            return sign + digits[..<split] + "." + digits[split...]
        }
        let scientificExponent = decimalPoint - 1
        let exponentText =
            (scientificExponent < 0 ? "-" : "+")
            + (abs(scientificExponent) < 10 ? "0" : "") + String(abs(scientificExponent))
        let head = digits.prefix(1)
        let tail = digits.dropFirst()
        return sign + head + (tail.isEmpty ? "" : "." + tail) + "e" + exponentText
    }
}
