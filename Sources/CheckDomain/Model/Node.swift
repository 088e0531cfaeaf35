/// The id of a node in the inventory.
public struct NodeID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The numeric id.
    public var rawValue: Int64

    /// Creates an id.
    public init(_ rawValue: Int64) { self.rawValue = rawValue }

    public static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }
}

/// A machine in the node inventory and the facts known about it.
public struct Node: Sendable, Equatable {
    /// The node's id.
    public var id: NodeID
    /// The node's name.
    public var name: String
    /// The node's host address, as the inventory knows it.
    public var host: String
    /// What is known about the machine.
    public var facts: NodeFacts

    /// Creates a node.
    public init(id: NodeID, name: String, host: String, facts: NodeFacts) {
        self.id = id
        self.name = name
        self.host = host
        self.facts = facts
    }
}

/// The facts collected from a node; a nil fact is unknown, never guessed.
public struct NodeFacts: Sendable, Equatable {
    /// The OS id, as `/etc/os-release`'s `ID` (e.g. `centos`).
    public var osID: String?
    /// The OS version, dot-separated (e.g. `7.9.2009`).
    public var osVersion: String?
    /// The systemd major version (e.g. 219).
    public var systemdVersion: Int?

    /// Creates a set of facts.
    public init(osID: String? = nil, osVersion: String? = nil, systemdVersion: Int? = nil) {
        self.osID = osID
        self.osVersion = osVersion
        self.systemdVersion = systemdVersion
    }
}
