/// `check_os_version`: a node's OS version must be at least the minimum for its OS id (the reference service's rule,
/// 7.2 for every OS, when no per-id minimum is given).
public struct OSVersionCheck: CheckItem {
    public let name = "check_os_version"
    public let description = "检查操作系统版本"
    /// The lowest version that passes, per `/etc/os-release` `ID` (`centos`, `ubuntu`, …).
    public let minimums: [String: DottedVersion]
    /// The lowest version that passes for an OS id not in `minimums`, or an unknown id.
    public let defaultMinimum: DottedVersion
    /// Whether versions are read leniently (`V10` as 10); the reference reads only dotted integers.
    public let lenient: Bool

    /// The reference service's check: one minimum for every OS, strict version syntax.
    public init(minimum: DottedVersion = DottedVersion("7.2")!) {
        self.minimums = [:]
        self.defaultMinimum = minimum
        self.lenient = false
    }

    /// A check with a minimum per OS id, reading versions leniently.
    public init(minimums: [String: DottedVersion], defaultMinimum: DottedVersion) {
        self.minimums = minimums
        self.defaultMinimum = defaultMinimum
        self.lenient = true
    }

    public func description(in language: Language) -> String {
        language == .english ? "Operating system version" : description
    }

    public var thresholds: [CheckThreshold] {
        [
            CheckThreshold(
                "minimum",
                .object(JSONObject(minimums.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value.description)) }))
            ),
            CheckThreshold("default_minimum", .string(defaultMinimum.description)),
        ]
    }

    /// The minimum that applies to an OS id.
    public func minimum(for osID: String?) -> DottedVersion {
        osID.flatMap { minimums[$0.lowercased()] } ?? defaultMinimum
    }

    public func failures(in context: RequestContext) async throws -> [NodeFailure] {
        try await context.memberNodes().compactMap { node in
            let minimum = minimum(for: node.facts.osID)
            let expected = ">= \(minimum)"
            let text = node.facts.osVersion
            guard let text, let version = lenient ? ReleaseVersion.leading(text) : DottedVersion(text) else {
                return .unknown(node, ("操作系统版本", "OS version"), expected: expected, actual: text, in: context)
            }
            guard lenient ? ReleaseVersion.isBelow(version, minimum) : version < minimum else { return nil }
            let osName = node.facts.osID ?? "OS"
            return NodeFailure(
                nodeID: node.id,
                message: context.text(
                    "\(node.host) 操作系统版本过低, 当前系统版本为 \(text)",
                    en: "\(node.host) OS version is too old: \(osName) \(text), at least \(minimum) needed"
                ),
                expected: expected,
                actual: text
            )
        }
    }
}
