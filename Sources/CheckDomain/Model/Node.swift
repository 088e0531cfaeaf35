import Foundation

/// A machine in the node inventory, how to reach it over SSH, and the facts known about it.
public struct Node: Sendable, Equatable {
    /// The node's id.
    public var id: NodeID
    /// The node's name.
    public var name: String {
        _read { yield box.details.name }
        set { update { $0.name = newValue } }
    }
    /// The node's host address, as the inventory knows it (messages name it; SSH uses it unless `sshHost` is set).
    public var host: String {
        _read { yield box.details.host }
        set { update { $0.host = newValue } }
    }
    /// What is known about the machine.
    public var facts: NodeFacts {
        _read { yield box.details.facts }
        _modify {
            makeUnique()
            yield &box.details.facts
        }
    }
    /// The user `nodes collect` logs in as, when not the command line's `--user` or ssh's own default.
    public var sshUser: String? {
        get { box.details.sshUser }
        set { update { $0.sshUser = newValue } }
    }
    /// The address `nodes collect` connects to, when not `host` (a management network, an ssh_config alias).
    public var sshHost: String? {
        get { box.details.sshHost }
        set { update { $0.sshHost = newValue } }
    }
    /// The SSH port, when not the command line's `--port` or ssh's own default.
    public var sshPort: Int? {
        get { box.details.sshPort }
        set { update { $0.sshPort = newValue } }
    }
    /// When `nodes collect` (or `nodes facts`) last tried this node.
    public var lastCollectAt: Date? {
        get { box.details.lastCollectAt }
        set { update { $0.lastCollectAt = newValue } }
    }
    /// Why the last collection failed; nil when it succeeded or never ran.
    public var lastCollectError: String? {
        get { box.details.lastCollectError }
        set { update { $0.lastCollectError = newValue } }
    }

    /// The name, host, facts and collection settings, held once however often the node is copied: a request passes
    /// each node through a few collections and every check item, and they are a few hundred bytes (copy on write, as
    /// the standard library's collections do). A copy of a node is its id and this reference: one retain, where the
    /// name and host kept beside it cost two more (atomic ones for a host name past 15 bytes).
    private var box: DetailsBox

    /// Creates a node.
    public init(
        id: NodeID, name: String, host: String, facts: NodeFacts, sshUser: String? = nil, sshHost: String? = nil,
        sshPort: Int? = nil, lastCollectAt: Date? = nil, lastCollectError: String? = nil
    ) {
        self.id = id
        self.box = DetailsBox(
            Details(
                name: name, host: host, facts: facts, sshUser: sshUser, sshHost: sshHost, sshPort: sshPort,
                lastCollectAt: lastCollectAt,
                lastCollectError: lastCollectError))
    }

    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&box) { box = DetailsBox(box.details) }
    }

    private mutating func update(_ change: (inout Details) -> Void) {
        makeUnique()
        change(&box.details)
    }

    public static func == (lhs: Node, rhs: Node) -> Bool {
        lhs.id == rhs.id && (lhs.box === rhs.box || lhs.box.details == rhs.box.details)
    }
}

/// What a node holds beyond its id.
private struct Details: Sendable, Equatable {
    var name: String
    var host: String
    var facts: NodeFacts
    var sshUser: String?
    var sshHost: String?
    var sshPort: Int?
    var lastCollectAt: Date?
    var lastCollectError: String?
}

/// A node's details behind a reference, copied before a write when shared (see `Node.facts`).
private final class DetailsBox: @unchecked Sendable {
    // @unchecked: `details` is written only through `Node`'s setters and `facts`' `_modify`, and only after
    // `isKnownUniquelyReferenced` has found the box unshared (copying it otherwise), so a box that more than one node
    // or thread can see is never written: the same discipline as Array's storage.
    // Unchecked exclusivity: every read of a fact had begun a dynamic access (a runtime call, some 60 instructions,
    // once per node and check item). Writes happen only through `Node`'s setters and `_modify`, on a box made unique
    // first, never while a read of the same box is under way.
    @exclusivity(unchecked) var details: Details

    init(_ details: Details) { self.details = details }
}
