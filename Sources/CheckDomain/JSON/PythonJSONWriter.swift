/// Writes JSON byte for byte as the reference service's responses are written: Starlette's
/// `json.dumps(content, ensure_ascii=False, separators=(",", ":"))`, UTF-8 encoded.
///
/// Python's formatting is part of the contract (compact separators, raw non-ASCII, `\u00XX` for other control
/// characters, `repr` of floats such as `1e+16` and `100.0`), which is why this is not Foundation's `JSONEncoder`.
///
/// Not copyable, as its buffer is not (see `ByteBuffer`): a writer is passed `inout` or consumed.
public struct PythonJSONWriter: ~Copyable, Sendable {
    /// The bytes written so far.
    public var bytes: [UInt8] { buffer.array }
    /// Where they are written (see `ByteBuffer`).
    private var buffer: ByteBuffer
    /// How many bytes are written.
    public var count: Int { buffer.count }

    /// The bytes written, their memory handed over as it is: no copy (as `bytes` makes).
    public consuming func written() -> WrittenBytes {
        buffer.written()
    }

    /// Calls `body` with the bytes written, without copying them out.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try buffer.withUnsafeBytes(body)
    }

    /// Drops the first `length` bytes written (a batch of lines that was written out), keeping the memory.
    public mutating func removeFirst(_ length: Int) {
        buffer.removeFirst(length)
    }
    /// Python's `ensure_ascii=True`: non-ASCII written as `\uXXXX` escapes (responses use false, as Starlette does).
    public var escapesNonASCII = false
    /// Python's `allow_nan=True`: NaN and infinities as the bare literals `NaN`, `Infinity`, `-Infinity` (not JSON).
    public var allowsNaN = false

    /// Creates an empty writer, reserving room for `capacity` bytes.
    public init(capacity: Int = 256, escapesNonASCII: Bool = false, allowsNaN: Bool = false) {
        buffer = ByteBuffer(capacity: capacity)
        self.escapesNonASCII = escapesNonASCII
        self.allowsNaN = allowsNaN
    }

    /// Appends raw JSON punctuation or a literal.
    @inline(__always)
    public mutating func raw(_ text: StaticString) {
        buffer.append(text.utf8Start, length: text.utf8CodeUnitCount)
    }

    /// Appends one raw byte.
    @inline(__always)
    public mutating func byte(_ value: UInt8) {
        buffer.append(value)
    }

    /// Appends bytes as they are: raw JSON (or text between quotes) made elsewhere, e.g. a log line's timestamp.
    public mutating func raw(_ bytes: UnsafeBufferPointer<UInt8>) {
        append(bytes)
    }

    /// Appends a copy of `length` bytes written before, from `offset` (offsets as `count` gives them).
    @inline(__always)
    mutating func rawWritten(from offset: Int, length: Int) {
        buffer.appendWritten(from: offset, length: length)
    }

    /// Appends bytes as they are.
    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        buffer.append(base, length: bytes.count)
    }

    /// Whether a byte needs an escape in a JSON string: a control character (below 0x20), a quote or a backslash.
    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x22 || byte == 0x5C
    }

    /// Whether any of a word's eight bytes needs an escape in a JSON string: a control character (below 0x20), a
    /// quote or a backslash (bit tricks on the whole word; bytes of 0x80 and up never match).
    @inline(__always)
    private static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ value: UInt64) -> Bool { (value &- ones) & ~value & highs != 0 }
        let hasControl = (word &- ones &* 0x20) & ~word & highs != 0
        return hasControl || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C))
    }

    /// Whether any of `count` (at most 16) bytes needs an escape, read with at most two loads that may overlap (a
    /// byte read twice changes nothing) and no loop: most strings of an answer are short (a host, a word, a number).
    @inline(__always)
    private static func needsEscape(upTo16 count: Int, at bytes: UnsafeRawPointer) -> Bool {
        switch count {
        case 8...16:
            return needsEscape(bytes.loadUnaligned(as: UInt64.self))
                || needsEscape(bytes.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
        case 4...7:
            let head = UInt64(bytes.loadUnaligned(as: UInt32.self))
            let tail = UInt64(bytes.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
            return needsEscape(head | tail << 32)
        case 2...3:
            let head = UInt64(bytes.loadUnaligned(as: UInt16.self))
            let tail = UInt64(bytes.loadUnaligned(fromByteOffset: count - 2, as: UInt16.self))
            let half = head | tail << 16
            return needsEscape(half | half << 32)
        case 1:
            return needsEscape(bytes.load(as: UInt8.self))
        default:
            return false
        }
    }

    /// Appends a quoted, escaped string.
    public mutating func string(_ value: String) {
        byte(UInt8(ascii: "\""))
        stringContents(of: value)
        byte(UInt8(ascii: "\""))
    }

    /// Appends the text of `value` escaped, without quotes: pieces of one string written one after another are
    /// written as the whole string is (escapes go scalar by scalar, with `escapesNonASCII` as without it).
    @inline(__always)
    mutating func stringContents(of value: String) {
        if escapesNonASCII && !value.utf8.allSatisfy({ $0 < 0x7F }) {
            asciiContents(of: value)
            return
        }
        utf8Contents(of: value)
    }

    /// Appends the UTF-8 of `value` escaped, without quotes. Native and small strings lend their bytes in place (no
    /// copy of the string, so no retain and release); anything else (bridged) is copied first.
    @inline(__always)
    private mutating func utf8Contents(of value: String) {
        if value.utf8.withContiguousStorageIfAvailable({ stringContents($0) }) == nil {
            var value = value
            value.withUTF8 { stringContents($0) }
        }
    }

    /// Appends a failure's message as one quoted, escaped string, written piece by piece.
    mutating func string(_ text: borrowing MessageText) {
        var text = copy text
        withUnsafeMutablePointer(to: &text) { string(message: $0) }
    }

    /// Appends the message at `text` as one quoted, escaped string, written piece by piece and read in place (see
    /// `MessageText.withPieces(at:_:)`, which leaves it unchanged).
    mutating func string(message text: UnsafeMutablePointer<MessageText>) {
        if escapesNonASCII {
            string(text.pointee.string)
            return
        }
        byte(UInt8(ascii: "\""))
        MessageText.withPieces(at: text) { stringContents($0) }
        byte(UInt8(ascii: "\""))
    }

    /// Appends the string at `value` quoted and escaped, or `null`, its bytes read where they are: through
    /// `withUTF8`, which has the string to itself and so neither copies nor retains it (`string(_:)` lends a string
    /// through `utf8.withContiguousStorageIfAvailable`, retained and released around the call). `withUTF8` changes
    /// only a string not stored as UTF-8, which a string on Linux always is: the string is unchanged (elsewhere a
    /// bridged string would be stored anew as UTF-8, the same text).
    mutating func optionalString(at value: UnsafeMutablePointer<String?>) {
        guard value.pointee != nil else {
            raw("null")
            return
        }
        if escapesNonASCII {
            string(value.pointee!)
            return
        }
        byte(UInt8(ascii: "\""))
        value.pointee!.withUTF8 { stringContents($0) }
        byte(UInt8(ascii: "\""))
    }

    /// Appends UTF-8 text escaped, without quotes.
    @inline(__always)
    private mutating func stringContents(_ utf8: UnsafeBufferPointer<UInt8>) {
        guard let base = utf8.baseAddress else { return }
        if utf8.count <= 16, !Self.needsEscape(upTo16: utf8.count, at: UnsafeRawPointer(base)) {
            buffer.append(base, length: utf8.count)
            return
        }
        guard let first = Self.firstEscapedWord(base, count: utf8.count) else {
            buffer.append(base, length: utf8.count)
            return
        }
        // Runs of bytes that need no escape are copied whole; single bytes are looked at from the first word that
        // holds one to escape, and after that a word at a time again.
        let count = utf8.count
        var runStart = 0
        var offset = first
        while offset < count {
            if count - offset >= 8,
                !Self.needsEscape(UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self))
            {
                offset += 8
                continue
            }
            let byte = base[offset]
            if Self.needsEscape(byte) {
                append(UnsafeBufferPointer(start: base + runStart, count: offset - runStart))
                appendEscape(byte)
                runStart = offset + 1
            }
            offset += 1
        }
        append(UnsafeBufferPointer(start: base + runStart, count: count - runStart))
    }

    /// The offset of the first eight-byte word (or, in the last seven bytes, the first byte) that holds a byte to
    /// escape; nil when there is none.
    @inline(__always)
    private static func firstEscapedWord(_ base: UnsafePointer<UInt8>, count: Int) -> Int? {
        var offset = 0
        while count - offset >= 8 {
            if needsEscape(UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self)) { return offset }
            offset += 8
        }
        while offset < count {
            if needsEscape(base[offset]) { return offset }
            offset += 1
        }
        return nil
    }

    /// Appends `value` escaped as Python's `ensure_ascii` does, without quotes: non-ASCII as `\\uXXXX`.
    private mutating func asciiContents(of value: String) {
        for scalar in value.unicodeScalars {
            if scalar.value < 0x7F {
                let value = UInt8(scalar.value)
                if Self.needsEscape(value) { appendEscape(value) } else { byte(value) }
            } else {
                for unit in String(scalar).utf16 {
                    raw("\\u")
                    let hex = String(unit, radix: 16)
                    for digit in (String(repeating: "0", count: 4 - hex.count) + hex).utf8 { byte(digit) }
                }
            }
        }
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
            self.byte(hex[Int(byte >> 4)])
            self.byte(hex[Int(byte & 0x0F)])
        }
    }

    /// Appends an integer.
    public mutating func integer(_ value: Int64) {
        withDecimalDigits(of: value) { append($0) }
    }

    /// Appends an integer of any size.
    public mutating func integer(_ value: BigInteger) {
        if let small = value.int64Value {
            integer(small)
        } else {
            for digit in value.description.utf8 { byte(digit) }
        }
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
            for character in Self.pythonRepr(value).utf8 { byte(character) }
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
