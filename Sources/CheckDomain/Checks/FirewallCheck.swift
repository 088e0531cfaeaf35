/// `check_firewall`: no firewall should be active on a node (a cluster's members talk to each other on ports the
/// firewall does not know about); an active one gets the policy's level, a warning by default. A node with no
/// firewall at all (`none`) passes: that is a fact, not an unknown.
public struct FirewallCheck: CheckItem {
    public static let name = "check_firewall"
    private static let unknownFact = UnknownFact("防火墙状态", "firewall state")
    public let facts: [Fact] = [.firewall]
    /// The level of an active firewall.
    public var level = CheckLevel.warn

    /// The defaults.
    public init() {}

    public static var settings: [CheckSetting<Self>] {
        [.level(\.level)]
    }

    public func description(in language: Language) -> String {
        language == .english ? "No active firewall" : "检查防火墙是否关闭"
    }

    /// Stops and disables the firewall, for the firewalls that can be stopped as a whole; an `iptables` or
    /// `nftables` ruleset is someone's configuration, to be reviewed rather than flushed.
    static func fix(_ firewall: String) -> String? {
        switch firewall {
        case "firewalld": "systemctl disable --now firewalld"
        case "ufw": "ufw disable"
        default: nil
        }
    }

    public func failures(in context: RequestContext, into failures: inout NodeFailures) throws {
        try context.judgeMemberNodes(
            into: &failures, reading: \.firewall, unknown: Self.unknownFact, expected: "none"
        ) { node, firewall in
            guard firewall != "none" else { return nil }
            return NodeFailure(
                nodeID: node.id,
                message: context.text(
                    "\(node.host) 防火墙 \(firewall) 处于启用状态",
                    en: "\(node.host) firewall \(firewall) is active"
                ),
                level: level,
                expected: "none",
                actual: firewall,
                fix: Self.fix(firewall)
            )
        }
    }
}
