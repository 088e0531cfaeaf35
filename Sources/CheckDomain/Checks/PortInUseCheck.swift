/// `check_port_in_use`: a member's port must not be listening already on its node (any address: a socket on
/// `127.0.0.1:5432` stops a server binding `0.0.0.0:5432` as surely as one on `0.0.0.0:5432`). The finding names the
/// addresses that hold the port.
///
/// A node is listed once, with every member whose port is taken. Ports outside 1...65535 are `check_member_port`'s.
public struct PortInUseCheck: CheckItem {
    public static let name = "check_port_in_use"
    private static let unknownFact = UnknownFact("监听端口", "listening ports")
    public let facts: [Fact] = [.listeningTCP]
    /// The level of a port already in use.
    public var level = CheckLevel.fail

    /// The defaults.
    public init() {}

    public static var settings: [CheckSetting<Self>] {
        [.level(\.level)]
    }

    public func description(in language: Language) -> String {
        language == .english ? "Member ports are free on their nodes" : "检查成员端口是否已被占用"
    }

    public func failures(in context: RequestContext, into failures: inout NodeFailures) throws {
        let members = context.proposal.members
        // The members with a port to look at, in request order, each linked to the next of its node. A node's first
        // and last are found by a look through the entries in a cluster of a handful of members, and kept by node id
        // in a larger one (a scan of every member per node is quadratic in a 1,000-member request): one allocation,
        // or two (a dictionary of arrays of names made two a node).
        var entries: [(port: Int, member: Int, node: NodeID, next: Int)] = []
        let indexed = members.count > Self.searchedMembers
        var ends: [NodeID: (first: Int, last: Int)] = [:]
        for index in members.indices {
            guard let id = members[index].nodeID, let port = members[index].port.int64Value, (1...65535).contains(port)
            else { continue }
            if entries.isEmpty {
                entries.reserveCapacity(members.count)
                // Made with its room: `reserveCapacity` is a generic call here, which looks up the dictionary's type
                // at run time on every request.
                if indexed { ends = Dictionary(minimumCapacity: members.count) }
            }
            let entry = entries.count
            entries.append((Int(port), index, id, -1))
            if indexed {
                if let known = ends[id] {
                    entries[known.last].next = entry
                    ends[id] = (known.first, entry)
                } else {
                    ends[id] = (entry, entry)
                }
            } else if let last = entries.indices.dropLast().last(where: { entries[$0].node == id }) {
                entries[last].next = entry
            }
        }
        // The last single port's text, kept while the next node's port is the same (as in most clusters): made once,
        // not for each node.
        var singleText: (port: Int, expected: String)?
        for node in try context.memberNodes() {
            let first = indexed ? ends[node.id]?.first : entries.firstIndex { $0.node == node.id }
            guard let first else { continue }
            // Nearly always one member a node: its text without a list built and joined.
            guard entries[first].next >= 0 else {
                let single = entries[first]
                if singleText?.port != single.port { singleText = (single.port, String(single.port) + " free") }
                let expected = singleText!.expected
                guard let listening = node.facts.listeningTCP else {
                    failures.appendUnknown(node, Self.unknownFact, expected: expected, language: context.language)
                    continue
                }
                // Nearly always free: known before the lists for a message are made.
                guard Self.isHeld(single.port, by: listening) else { continue }
                let ports = [(single.port, [members[single.member].name])]
                if let failure = judge(node, ports: ports, expected: expected, in: context) {
                    failures.append(failure)
                }
                continue
            }
            // Each port once, in request order, with the members that want it.
            var ports: [(port: Int, members: [String])] = []
            var entry = first
            while entry >= 0 {
                let name = members[entries[entry].member].name
                if let index = ports.firstIndex(where: { $0.port == entries[entry].port }) {
                    ports[index].members.append(name)
                } else {
                    ports.append((entries[entry].port, [name]))
                }
                entry = entries[entry].next
            }
            let expected =
                ports.count == 1
                ? String(ports[0].port) + " free" : ports.map { "\($0.port) free" }.joined(separator: ", ")
            if let failure = judge(node, ports: ports, expected: expected, in: context) { failures.append(failure) }
        }
    }

    /// Clusters of this many members or fewer find a node's ports by looking through them rather than by node id.
    static let searchedMembers = 16

    /// Whether a listening address holds `port`: `0.0.0.0:5432`, `[::1]:5432`, the port after the last colon.
    private static func isHeld(_ port: Int, by listening: [String]) -> Bool {
        let suffix = ":\(port)"
        return listening.contains { $0.hasSuffix(suffix) }
    }

    /// The node's failure when one of `ports` is listening on it (or its listening ports are unknown), else nil.
    private func judge(
        _ node: Node, ports: [(port: Int, members: [String])], expected: String, in context: RequestContext
    ) -> NodeFailure? {
        guard let listening = node.facts.listeningTCP else {
            return .unknown(node, Self.unknownFact, expected: expected, in: context)
        }
        var chinese: [String] = []
        var english: [String] = []
        var holders: [String] = []
        for (port, members) in ports {
            // `0.0.0.0:5432`, `[::1]:5432`: the port is what follows the last colon.
            let suffix = ":\(port)"
            let holding = listening.filter { $0.hasSuffix(suffix) }
            guard !holding.isEmpty else { continue }
            let names = members.joined(separator: ", ")
            let addresses = holding.joined(separator: ", ")
            chinese.append("成员 \(names) 的端口 \(port) 已被占用 (监听地址 \(addresses))")
            english.append("port \(port) of member \(names) is already in use (listening on \(addresses))")
            holders += holding
        }
        guard !chinese.isEmpty else { return nil }
        return NodeFailure(
            nodeID: node.id,
            message: context.text(
                "\(node.host) \(chinese.joined(separator: "; "))",
                en: "\(node.host) \(english.joined(separator: "; "))"
            ),
            level: level,
            expected: expected,
            actual: holders.joined(separator: ", ")
        )
    }
}
