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
        var parts: [Int] = []
        parts.reserveCapacity(4)
        guard Self.readParts(of: numeric.utf8, { parts.append($0) }) else { return nil }
        self.parts = parts
        self.text = text
    }

    /// Whether `text`, read as `init?(_:)` reads it, is below `minimum` (as `<` compares); nil when it is not a
    /// version. The parts are compared as they are read, never kept: a check item judging each node's version pays
    /// no array for it.
    public static func isBelow(_ text: String, _ minimum: DottedVersion) -> Bool? {
        // Read from the text's own UTF-8, which a native or small string holds in one piece (any other is copied
        // once), not through `String.UTF8View`'s iterator.
        if let below = text.utf8.withContiguousStorageIfAvailable({ isBelow(utf8: $0, minimum) }) { return below }
        var contiguous = text
        return contiguous.withUTF8 { isBelow(utf8: $0, minimum) }
    }

    /// `isBelow(_:_:)` on a text's UTF-8.
    private static func isBelow(utf8 text: UnsafeBufferPointer<UInt8>, _ minimum: DottedVersion) -> Bool? {
        var index = 0
        // Settled by the first part that differs from the minimum's, or by a part beyond the minimum's last.
        var below: Bool?
        let isVersion = readParts(of: text) { part in
            if below == nil {
                if index == minimum.parts.count {
                    below = false
                } else if part != minimum.parts[index] {
                    below = part < minimum.parts[index]
                }
            }
            index += 1
        }
        guard isVersion else { return nil }
        // Equal parts as far as the text goes: a shorter text is below (`7.2 < 7.2.0`), an equal one is not.
        return below ?? (index < minimum.parts.count)
    }

    /// Reads dot-separated integers byte by byte (every check item of every request reads a version or two per
    /// node), handing each part to `part`; false when the bytes are not a version: empty, an empty part, a byte other
    /// than a digit or a dot, a part beyond `Int`.
    @inline(__always)
    static func readParts(of bytes: some Sequence<UInt8>, _ part: (Int) -> Void) -> Bool {
        var current = 0
        var digits = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "."):
                guard digits > 0 else { return false }
                part(current)
                current = 0
                digits = 0
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let (shifted, overflowed) = current.multipliedReportingOverflow(by: 10)
                let (sum, carried) = shifted.addingReportingOverflow(Int(byte &- UInt8(ascii: "0")))
                guard !overflowed && !carried else { return false }
                current = sum
                digits += 1
            default:
                return false
            }
        }
        guard digits > 0 else { return false }
        part(current)
        return true
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
