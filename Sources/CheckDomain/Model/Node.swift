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
    public var facts: NodeFacts {
        _read { yield factsBox.facts }
        _modify {
            if !isKnownUniquelyReferenced(&factsBox) { factsBox = FactsBox(factsBox.facts) }
            yield &factsBox.facts
        }
    }
    /// The facts, held once however often the node is copied: a request passes each node through a few collections,
    /// and a node's facts are a few hundred bytes (copy on write, as the standard library's collections do).
    private var factsBox: FactsBox
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
        self.factsBox = FactsBox(facts)
        self.sshUser = sshUser
        self.sshHost = sshHost
        self.sshPort = sshPort
        self.lastCollectAt = lastCollectAt
        self.lastCollectError = lastCollectError
    }
}

extension Node {
    public static func == (lhs: Node, rhs: Node) -> Bool {
        lhs.id == rhs.id && lhs.name == rhs.name && lhs.host == rhs.host && lhs.sshUser == rhs.sshUser
            && lhs.sshHost == rhs.sshHost && lhs.sshPort == rhs.sshPort && lhs.lastCollectAt == rhs.lastCollectAt
            && lhs.lastCollectError == rhs.lastCollectError && (lhs.factsBox === rhs.factsBox || lhs.facts == rhs.facts)
    }
}

/// A node's facts behind a reference, copied before a write when shared (see `Node.facts`).
private final class FactsBox: @unchecked Sendable {
    // @unchecked: `facts` is written only through `Node.facts`' `_modify`, and only after `isKnownUniquelyReferenced`
    // has found the box unshared (copying it otherwise), so a box that more than one node or thread can see is never
    // written: the same discipline as Array's storage.
    var facts: NodeFacts

    init(_ facts: NodeFacts) { self.facts = facts }
}
