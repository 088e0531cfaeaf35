/// `check_member_port`: every member's port must lie in `minimum...maximum` (1...65535 by default), and no port may
/// be used by two members on one host (the node's inventory host) within the request.
///
/// A node is listed once, with every problem of its members in one message.
public struct MemberPortCheck: CheckItem {
    public static let name = "check_member_port"
    /// Reads the proposal alone, no fact.
    public let facts: [Fact] = []
    /// The lowest valid port.
    public var minimum = 1
    /// The highest valid port.
    public var maximum = 65535

    /// The defaults.
    public init() {}

    public static var settings: [CheckSetting<Self>] {
        [.integer("minimum", \.minimum, atLeast: 1), .integer("maximum", \.maximum, atLeast: 1, atMost: 65535)]
    }

    public func validate() throws(CheckSettingError) {
        guard minimum <= maximum else {
            throw CheckSettingError(key: "minimum", problem: "must not exceed maximum (\(maximum))")
        }
    }

    public func description(in language: Language) -> String {
        language == .english ? "Member ports are valid and not used twice on a host" : "检查成员端口是否有效且不重复"
    }

    /// Whether every port is in range and no host is given one port twice: nearly every proposal, which passes
    /// without building any text. Otherwise (or when it cannot tell cheaply) `failures(in:into:)` works out what is wrong.
    func portsAreValidAndDistinct(in context: RequestContext) -> Bool {
        let members = context.proposal.members
        // A few members: each one is compared with those before it on its port, in place, without a list of ports
        // made and sorted (an allocation and a generic sort for every request).
        if members.count <= Self.pairedMembers {
            for index in members.indices {
                guard let port = members[index].port.int64Value, port >= Int64(minimum) && port <= Int64(maximum),
                    let node = members[index].nodeID.flatMap(context.loadedNode(withID:))
                else { return false }
                for earlier in 0..<index where members[earlier].port.int64Value == port {
                    // Its node was found in its own turn.
                    guard let other = members[earlier].nodeID.flatMap(context.loadedNode(withID:)),
                        !Self.mayBeOneHost(other.host, node.host)
                    else { return false }
                }
            }
            return true
        }
        var uses: [(port: Int64, host: String)] = []
        uses.reserveCapacity(members.count)
        for member in members {
            guard let port = member.port.int64Value, port >= Int64(minimum) && port <= Int64(maximum),
                let node = member.nodeID.flatMap(context.loadedNode(withID:))
            else { return false }
            uses.append((port, node.host))
        }
        // Sorted by port, the members sharing a port sit together; each pair of them must be on different hosts.
        uses.sort { $0.port < $1.port }
        var sharing = 0
        for index in uses.indices.dropFirst() {
            if uses[index].port != uses[index - 1].port {
                sharing = index
                continue
            }
            // Many members on one port (a 1,000-member proposal of one port): the full judgement hashes the hosts.
            guard index - sharing < 32 else { return false }
            for earlier in sharing..<index where Self.mayBeOneHost(uses[earlier].host, uses[index].host) {
                return false
            }
        }
        return true
    }

    /// Proposals of this many members or fewer are checked pair by pair.
    static let pairedMembers = 16

    /// Whether two host names may name one host as `failures(in:into:)` compares them (ignoring case): certainly not when
    /// they are ASCII and differ other than in case.
    private static func mayBeOneHost(_ first: String, _ second: String) -> Bool {
        var first = first
        var second = second
        return first.withUTF8 { a in
            second.withUTF8 { b in
                guard a.count == b.count else { return a.contains { $0 >= 0x80 } || b.contains { $0 >= 0x80 } }
                for (x, y) in zip(a, b) where x != y {
                    if x >= 0x80 || y >= 0x80 { return true }
                    if x | 0x20 != y | 0x20 || !(UInt8(ascii: "a")...UInt8(ascii: "z")).contains(x | 0x20) {
                        return false
                    }
                }
                return true
            }
        }
    }

    public func failures(in context: RequestContext, into failures: inout NodeFailures) throws {
        let nodes = try context.memberNodes()
        if portsAreValidAndDistinct(in: context) { return }
        for failure in judged(nodes, in: context) { failures.append(failure) }
    }

    /// Every node's problems, each node once, in the order of `nodes`.
    func judged(_ nodes: [Node], in context: RequestContext) -> [NodeFailure] {
        let byID = Dictionary(nodes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let members = context.proposal.members.compactMap { member in
            member.nodeID.flatMap { byID[$0] }.map { (member: member, node: $0) }
        }
        // "host\0port" -> member names, in request order. Host names are case-insensitive (as check_member_host
        // compares them): two node ids on NODE-A and node-a are one machine.
        var users: [String: [String]] = [:]
        for (member, node) in members {
            users[node.host.lowercasedIfNeeded + "\u{0}" + member.port.description, default: []].append(member.name)
        }
        let expected = "\(minimum)..\(maximum), unique per host"
        // Each node's members, found once: a scan of every member per node is quadratic in a 1,000-member request.
        let membersByNode = Dictionary(grouping: members, by: \.node.id)
        return nodes.compactMap { node in
            var chinese: [String] = []
            var english: [String] = []
            var actual: [String] = []
            var reported = Set<String>()
            for (member, _) in membersByNode[node.id] ?? [] {
                let port = member.port.description
                if !(member.port.int64Value.map { (Int64(minimum)...Int64(maximum)).contains($0) } ?? false) {
                    chinese.append("成员 \(member.name) 的端口 \(port) 不在 \(minimum)..\(maximum) 范围内")
                    english.append("member \(member.name) has port \(port), outside \(minimum)..\(maximum)")
                    actual.append("\(member.name):\(port)")
                    continue
                }
                let names = users[node.host.lowercasedIfNeeded + "\u{0}" + port] ?? []
                guard names.count > 1, reported.insert(port).inserted else { continue }
                let list = names.joined(separator: ", ")
                chinese.append("端口 \(port) 被多个成员使用: \(list)")
                english.append("port \(port) is used by more than one member: \(list)")
                actual.append(names.map { "\($0):\(port)" }.joined(separator: ", "))
            }
            guard !chinese.isEmpty else { return nil }
            return NodeFailure(
                nodeID: node.id,
                message: context.text(
                    "\(node.host) \(chinese.joined(separator: "; "))",
                    en: "\(node.host) \(english.joined(separator: "; "))"
                ),
                expected: expected,
                actual: actual.joined(separator: ", ")
            )
        }
    }
}
