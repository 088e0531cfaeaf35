/// Calls `body` with the decimal digits of `value` (a leading `-` when negative): the bytes `String(value)` holds,
/// without making the string.
func withDecimalDigits(of value: Int64, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
    var magnitude = value.magnitude
    // 20 digits hold any UInt64, plus the sign; written from the right.
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 21) { digits in
        var first = digits.count
        repeat {
            first -= 1
            digits[first] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
        if value < 0 {
            first -= 1
            digits[first] = UInt8(ascii: "-")
        }
        body(UnsafeBufferPointer(rebasing: digits[first...]))
    }
}

extension Array where Element == UInt8 {
    /// Appends an integer's decimal digits, with a leading `-` when it is negative: the bytes `String(value)` holds,
    /// without making the string (every answer writes a few: ids, statuses, lengths).
    public mutating func appendDecimal(_ value: Int64) {
        withDecimalDigits(of: value) { append(contentsOf: $0) }
    }
}
