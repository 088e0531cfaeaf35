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

    /// Whether `text`, read as `init?(_:)` reads it, is below `minimum` (as `<` compares); nil when it is not a
    /// version. The parts are compared as they are read, never kept: a check item judging each node's version pays
    /// no array for it.
    public static func isBelow(_ text: String, _ minimum: DottedVersion) -> Bool? {
        var part = 0
        var current = 0
        var digits = 0
        // Settled by the first part that differs from the minimum's, or by a part beyond the minimum's last.
        var below: Bool?
        func endPart() {
            if below == nil {
                below =
                    part < minimum.parts.count
                    ? (current == minimum.parts[part] ? nil : current < minimum.parts[part]) : false
            }
            part += 1
            current = 0
            digits = 0
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "."):
                guard digits > 0 else { return nil }
                endPart()
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
        endPart()
        // Equal parts as far as the text goes: a shorter text is below (`7.2 < 7.2.0`), an equal one is not.
        return below ?? (part < minimum.parts.count)
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
