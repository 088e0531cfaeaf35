/// The id of a node in the inventory.
public struct NodeID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The numeric id.
    public var rawValue: Int64

    /// Creates an id.
    public init(_ rawValue: Int64) { self.rawValue = rawValue }

    public static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }
}
