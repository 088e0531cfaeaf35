/// A version made of dot-separated integers, compared part by part as integers (`7.10 > 7.9`).
public struct DottedVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The numeric parts.
    public let parts: [Int]
    /// The text it was read from (`18.04`, `V10`), shown to operators.
    public let text: String

    /// Parses `7`, `7.9`, `7.9.2009`; nil for anything else.
    public init?(_ text: String) {
        self.init(text, parsing: Substring(text))
    }

    /// Parses `numeric` (a part of `text`) and keeps `text` for display.
    init?(_ text: String, parsing numeric: Substring) {
        // Byte by byte: every check item of every request reads a version or two per node.
        var parts: [Int] = []
        parts.reserveCapacity(4)
        var current = 0
        var digits = 0
        for byte in numeric.utf8 {
            switch byte {
            case UInt8(ascii: "."):
                guard digits > 0 else { return nil }
                parts.append(current)
                current = 0
                digits = 0
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let (shifted, overflowed) = current.multipliedReportingOverflow(by: 10)
                let (sum, carried) = shifted.addingReportingOverflow(Int(byte &- UInt8(ascii: "0")))
                guard !overflowed && !carried else { return nil }
                current = sum
                digits += 1
            default:
                return nil
            }
        }
        guard digits > 0 else { return nil }
        parts.append(current)
        self.parts = parts
        self.text = text
    }

    /// Part by part, as Python compares lists of ints (the reference's way): a prefix is smaller (`7.2 < 7.2.0`).
    public static func < (lhs: DottedVersion, rhs: DottedVersion) -> Bool {
        lhs.parts.lexicographicallyPrecedes(rhs.parts)
    }

    /// Equal when the parts are: `18.04` is `18.4`.
    public static func == (lhs: DottedVersion, rhs: DottedVersion) -> Bool { lhs.parts == rhs.parts }

    public func hash(into hasher: inout Hasher) { hasher.combine(parts) }

    public var description: String { text }
}
