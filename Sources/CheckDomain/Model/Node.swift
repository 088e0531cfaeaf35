import Foundation

/// A machine in the node inventory, how to reach it over SSH, and the facts known about it.
public struct Node: Sendable, Equatable {
    /// The node's id.
    public var id: NodeID
    /// The node's name.
    public var name: String
    /// The node's host address, as the inventory knows it (messages name it; SSH uses it unless `sshHost` is set).
    public var host: String
    /// What is known about the machine.
    public var facts: NodeFacts
    /// The user `nodes collect` logs in as, when not the command line's `--user` or ssh's own default.
    public var sshUser: String?
    /// The address `nodes collect` connects to, when not `host` (a management network, an ssh_config alias).
    public var sshHost: String?
    /// The SSH port, when not the command line's `--port` or ssh's own default.
    public var sshPort: Int?
    /// When `nodes collect` (or `nodes facts`) last tried this node.
    public var lastCollectAt: Date?
    /// Why the last collection failed; nil when it succeeded or never ran.
    public var lastCollectError: String?

    /// Creates a node.
    public init(
        id: NodeID, name: String, host: String, facts: NodeFacts, sshUser: String? = nil, sshHost: String? = nil,
        sshPort: Int? = nil, lastCollectAt: Date? = nil, lastCollectError: String? = nil
    ) {
        self.id = id
        self.name = name
        self.host = host
        self.facts = facts
        self.sshUser = sshUser
        self.sshHost = sshHost
        self.sshPort = sshPort
        self.lastCollectAt = lastCollectAt
        self.lastCollectError = lastCollectError
    }
}
