/// `check_os_version`: a node's OS version must be at least the minimum for its OS id (the reference service's rule,
/// 7.2 for every OS, when no per-id minimum is given).
public struct OSVersionCheck: CheckItem {
    public static let name = "check_os_version"
    private static let unknownFact = UnknownFact("操作系统版本", "OS version")
    public let facts: [Fact] = [.osID, .osVersion]
    /// The lowest version that passes, per `/etc/os-release` `ID` (`centos`, `ubuntu`, …), ids in lower case.
    public var minimums: [String: DottedVersion] = [
        "centos": version("7.2"), "rhel": version("7.2"), "ol": version("7.2"), "rocky": version("8"),
        "almalinux": version("8"), "anolis": version("8"), "ubuntu": version("18.04"), "debian": version("10"),
        "kylin": version("V10"), "openeuler": version("20.03"),
    ]
    /// The lowest version that passes for an OS id not in `minimums`, or an unknown id (the reference's 7.2).
    public var defaultMinimum = version("7.2")
    /// Whether versions are read leniently (`V10` as 10, `7.9.2009` on its leading numbers); the reference reads
    /// only dotted integers.
    public var lenient = true

    /// The defaults: a minimum per OS id, versions read leniently.
    public init() {}

    /// The reference service's check: 7.2 for every OS, strict version syntax.
    public static var reference: OSVersionCheck {
        var check = OSVersionCheck()
        check.minimums = [:]
        check.lenient = false
        return check
    }

    public static var settings: [CheckSetting<Self>] {
        [.versionsByOSID("minimum", \.minimums), .version("default_minimum", \.defaultMinimum)]
    }

    public func description(in language: Language) -> String {
        language == .english ? "Operating system version" : "检查操作系统版本"
    }

    public func failures(in context: RequestContext, into failures: inout NodeFailures) throws {
        try context.judgeMemberNodes(into: &failures) { node in
            // The minimum for the node's OS id (ids are lower-case ASCII as os-release writes them; only another
            // spelling pays for a lowered copy), lent from where it is kept: copied out, its parts were retained and
            // released, memory every accept thread shares.
            if !minimums.isEmpty, let osID = node.facts.osID,
                let index = minimums.index(forKey: osID.lowercasedIfNeeded)
            {
                return judge(node, against: minimums.values[index], in: context)
            }
            return judge(node, against: defaultMinimum, in: context)
        }
    }

    /// What is wrong with `node`'s OS version against `minimum`; nil when nothing is.
    private func judge(_ node: Node, against minimum: DottedVersion, in context: RequestContext) -> NodeFailure? {
        let text = node.facts.osVersion
        // nil: no version, or none that can be read.
        let below = text.flatMap { text in
            lenient
                ? ReleaseVersion.isBelow(text, minimum)
                : DottedVersion.isBelow(text, minimum)
        }
        guard let text, let below else {
            return .unknown(node, Self.unknownFact, expected: ">= \(minimum)", actual: text, in: context)
        }
        guard below else { return nil }
        return NodeFailure(
            nodeID: node.id,
            message: context.text(
                "\(node.host) 操作系统版本过低, 当前系统版本为 \(text)",
                en: """
                    \(node.host) OS version is too old: \(node.facts.osID ?? "OS") \(text), at least \
                    \(minimum.text) needed
                    """
            ),
            expected: ">= " + minimum.text,
            actual: text
        )
    }

    /// A version written in this file, known to parse.
    private static func version(_ text: StaticString) -> DottedVersion {
        guard let version = ReleaseVersion.exact("\(text)") else { preconditionFailure("bad default version \(text)") }
        return version
    }
}
