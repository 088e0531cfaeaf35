/// A version made of dot-separated integers, compared part by part as integers (`7.10 > 7.9`).
public struct DottedVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The numeric parts.
    public let parts: [Int]

    /// Parses `7`, `7.9`, `7.9.2009`; nil for anything else.
    public init?(_ text: String) {
        let pieces = text.split(separator: ".", omittingEmptySubsequences: false)
        var parts: [Int] = []
        for piece in pieces {
            guard !piece.isEmpty, piece.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int(piece) else {
                return nil
            }
            parts.append(value)
        }
        self.parts = parts
    }

    /// Part by part, as Python compares lists of ints (the reference's way): a prefix is smaller (`7.2 < 7.2.0`).
    public static func < (lhs: DottedVersion, rhs: DottedVersion) -> Bool {
        lhs.parts.lexicographicallyPrecedes(rhs.parts)
    }

    public var description: String { parts.map(String.init).joined(separator: ".") }
}
