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
        let pieces = numeric.split(separator: ".", omittingEmptySubsequences: false)
        var parts: [Int] = []
        for piece in pieces {
            guard !piece.isEmpty, piece.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int(piece) else {
                return nil
            }
            parts.append(value)
        }
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
