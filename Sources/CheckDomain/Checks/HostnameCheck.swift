/// `check_hostname`: every node's host name must be its own within the cluster (compared ignoring case, as DNS
/// does) and not `localhost`: cluster software names members by host name. A node breaking either gets the
/// policy's level.
public struct HostnameCheck: CheckItem {
    public static let name = "check_hostname"
    private static let unknownFact = UnknownFact("主机名", "host name")
    public let facts: [Fact] = [.hostname]
    /// The level of a duplicate or `localhost` host name.
    public var level = CheckLevel.fail

    /// The defaults.
    public init() {}

    public static var settings: [CheckSetting<Self>] {
        [.level(\.level)]
    }

    public func description(in language: Language) -> String {
        language == .english ? "Host names are unique and not localhost" : "检查主机名是否唯一且不为 localhost"
    }

    /// `localhost`, `localhost.localdomain`, `localhost6`, ...: names every unconfigured machine has.
    static func isLocalhost(_ name: String) -> Bool {
        let name = name.lowercasedIfNeeded
        return name == "localhost" || name.hasPrefix("localhost.") || name == "localhost6"
            || name.hasPrefix("localhost6.")
    }

    /// A host name a shell may take bare: letters, digits, `-` and `.`, not starting with `-` (RFC 1123).
    static func isValidHostname(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 253 && name.utf8.first != UInt8(ascii: "-")
            && name.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."):
                    true
                default: false
                }
            }
    }

    /// Hosts named in one message at most: a thousand nodes all called `localhost` must not make a quadratic answer.
    static let namedHostsLimit = 5

    public func failures(in context: RequestContext, into failures: inout NodeFailures) throws {
        let nodes = try context.memberNodes()
        // Each host name (lower-cased) and the inventory hosts of the nodes that have it, in node order; made with
        // its room at the first name known, so that nodes whose names are all unknown make none.
        var holders: [String: [String]] = [:]
        for node in nodes {
            guard let name = node.facts.hostname else { continue }
            if holders.isEmpty { holders = Dictionary(minimumCapacity: nodes.count) }
            holders[name.lowercasedIfNeeded, default: []].append(node.host)
        }
        try context.judgeMemberNodes(
            into: &failures, reading: \.hostname, unknown: Self.unknownFact, expected: "unique, not localhost"
        ) { node, name in
            // Two node ids on one inventory host are one machine seen twice, not two machines sharing a name.
            let sharing = holders[name.lowercasedIfNeeded] ?? []
            let localhost = Self.isLocalhost(name)
            // Nearly every node passes: found without making the list of the others.
            guard localhost || sharing.contains(where: { $0 != node.host }) else { return nil }
            let others = sharing.filter { $0 != node.host }
            var chinese: [String] = []
            var english: [String] = []
            if localhost {
                chinese.append("主机名为 \(name)")
                english.append("host name is \(name)")
            }
            if !others.isEmpty {
                var listed = others.prefix(Self.namedHostsLimit).joined(separator: ", ")
                if others.count > Self.namedHostsLimit { listed += " (+\(others.count - Self.namedHostsLimit))" }
                chinese.append("主机名 \(name) 与节点 \(listed) 重复")
                english.append("host name \(name) is also the host name of \(listed)")
            }
            return NodeFailure(
                nodeID: node.id,
                message: context.text(
                    "\(node.host) \(chinese.joined(separator: ", "))",
                    en: "\(node.host) \(english.joined(separator: "; "))"
                ),
                level: level,
                expected: "unique, not localhost",
                actual: name,
                fix: fix(renaming: node, holders: holders)
            )
        }
    }

    /// Names the machine after its inventory name, when that name is a valid host name no other node of the cluster
    /// has (nor `localhost`): otherwise a name must be chosen by a person.
    private func fix(renaming node: Node, holders: [String: [String]]) -> String? {
        let name = node.name
        guard Self.isValidHostname(name), !Self.isLocalhost(name), holders[name.lowercasedIfNeeded] == nil else {
            return nil
        }
        return "hostnamectl set-hostname \(name)"
    }
}
