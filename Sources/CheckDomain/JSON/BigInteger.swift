/// An integer of any size, as Python's `int` holds it: a sign and the decimal digits of the magnitude.
///
/// The reference service echoes integers of any size back in its error bodies and in `node_not_found` messages, so
/// the exact digits must survive; arithmetic is never needed, only exact conversion from JSON text, strings and
/// integral doubles.
public struct BigInteger: Sendable, Hashable, CustomStringConvertible {
    /// The value when it fits a machine integer (nearly always: its digits are then made only when asked for);
    /// 0 otherwise.
    private let small: Int64
    /// The decimal text of a value that does not fit an `Int64`, sign included; nil when it fits.
    private let largeText: String?

    /// The value as an `Int64`, or nil when it does not fit.
    public var int64Value: Int64? { largeText == nil ? small : nil }

    /// Creates an integer from a sign and ASCII decimal digits (leading zeros allowed).
    public init<Digits: Collection>(negative: Bool, digits: Digits) where Digits.Element == UInt8 {
        var trimmed = Substring(decoding: digits, as: UTF8.self)
        while trimmed.count > 1, trimmed.first == "0" { trimmed = trimmed.dropFirst() }
        if trimmed.isEmpty { trimmed = "0" }
        let isNegative = negative && trimmed != "0"
        if trimmed.utf8.count <= 19, let small = Int64(isNegative ? "-" + trimmed : String(trimmed)) {
            self.small = small
            largeText = nil
        } else {
            small = 0
            largeText = isNegative ? "-" + trimmed : String(trimmed)
        }
    }

    /// Creates an integer from a machine integer.
    public init(_ value: Int64) {
        small = value
        largeText = nil
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

    /// The decimal text, as Python's `str(int)` prints it.
    public var description: String { largeText ?? String(small) }
}
