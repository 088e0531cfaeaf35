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

    public func failures(in context: RequestContext) throws -> [NodeFailure] {
        // Each node's members' ports, found once (a scan of every member per node is quadratic in a 1,000-member
        // request), each port once per node, in request order.
        var portsByNode: [NodeID: [(port: Int, members: [String])]] = [:]
        for member in context.proposal.members {
            guard let id = member.nodeID, let port = member.port.int64Value, (1...65535).contains(port) else {
                continue
            }
            if let index = portsByNode[id]?.firstIndex(where: { $0.port == Int(port) }) {
                portsByNode[id]?[index].members.append(member.name)
            } else {
                portsByNode[id, default: []].append((Int(port), [member.name]))
            }
        }
        return try context.judgeMemberNodes { node in
            guard let ports = portsByNode[node.id] else { return nil }
            // Nearly always one port a node: its text without a list built and joined.
            let expected =
                ports.count == 1
                ? String(ports[0].port) + " free" : ports.map { "\($0.port) free" }.joined(separator: ", ")
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
}
