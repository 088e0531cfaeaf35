/// An integer of any size, as Python's `int` holds it: a sign and the decimal digits of the magnitude.
///
/// The reference service echoes integers of any size back in its error bodies and in `node_not_found` messages, so
/// the exact digits must survive; arithmetic is never needed, only exact conversion from JSON text, strings and
/// integral doubles.
public struct BigInteger: Sendable, Hashable, CustomStringConvertible {
    /// Whether the value is below zero (never true for zero).
    public let isNegative: Bool
    /// The decimal digits of the magnitude, without leading zeros ("0" for zero).
    public let magnitude: String
    /// The value as an `Int64`, or nil when it does not fit (worked out once: a request reads every member's node id
    /// several times).
    public let int64Value: Int64?

    /// Creates an integer from a sign and ASCII decimal digits (leading zeros allowed).
    public init<Digits: Collection>(negative: Bool, digits: Digits) where Digits.Element == UInt8 {
        var trimmed = Substring(decoding: digits, as: UTF8.self)
        while trimmed.count > 1, trimmed.first == "0" { trimmed = trimmed.dropFirst() }
        if trimmed.isEmpty { trimmed = "0" }
        self.magnitude = String(trimmed)
        self.isNegative = negative && trimmed != "0"
        self.int64Value = Self.int64(isNegative: isNegative, magnitude: magnitude)
    }

    /// Creates an integer from a machine integer.
    public init(_ value: Int64) {
        self.isNegative = value < 0
        self.magnitude = String(value.magnitude)
        self.int64Value = value
    }

    /// Creates the exact integer value of an integral, finite double (`Double(1e300)` gives all 301 digits).
    public init?(exactly value: Double) {
        guard value.isFinite, value.rounded(.towardZero) == value else { return nil }
        if let small = Int64(exactly: value) {
            self.init(small)
            return
        }
        // value = significand * 2^exponent with an integer significand; double a decimal digit array.
        let significand = value.significandBitPattern | (1 << 52)
        let shift = Int(value.exponent) - 52
        var digits: [UInt8] = Array(String(significand).utf8).map { $0 - 48 }.reversed()
        for _ in 0..<max(shift, 0) {
            var carry: UInt8 = 0
            for index in digits.indices {
                let doubled = digits[index] * 2 + carry
                digits[index] = doubled % 10
                carry = doubled / 10
            }
            if carry > 0 { digits.append(carry) }
        }
        self.init(negative: value < 0, digits: digits.reversed().map { $0 + 48 })
    }

    private static func int64(isNegative: Bool, magnitude: String) -> Int64? {
        guard magnitude.utf8.count <= 19 else { return nil }
        return Int64(isNegative ? "-" + magnitude : magnitude)
    }

    /// The decimal text, as Python's `str(int)` prints it.
    public var description: String { isNegative ? "-" + magnitude : magnitude }
}
