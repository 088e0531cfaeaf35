/// `check_ulimit`: the login user's `nofile` and `nproc` limits, soft and hard: below `nofileMinimum` or
/// `nprocMinimum` fails, `nofile` below `nofileRecommended` warns.
///
/// The limits judged are those of a session as `nodes collect` opens it (`/proc/self/limits` of its shell), which is
/// what a service started from such a login inherits.
public struct UlimitCheck: CheckItem {
    public static let name = "check_ulimit"
    private static let unknownFact = UnknownFact("nofile/nproc 限制", "nofile/nproc limits")
    public let facts: [Fact] = [.nofileSoft, .nofileHard, .nprocSoft, .nprocHard]
    /// Fewer open files (soft or hard) fail.
    public var nofileMinimum = Self.defaults.nofile {
        didSet { failExpected = Self.failExpected(nofileMinimum, nprocMinimum) }
    }
    /// Fewer open files (but at least the minimum) warn.
    public var nofileRecommended = 1_000_000
    /// Fewer processes (soft or hard) fail.
    public var nprocMinimum = Self.defaults.nproc {
        didSet { failExpected = Self.failExpected(nofileMinimum, nprocMinimum) }
    }
    /// `nofile >= 65535, nproc >= 4096`: made when a minimum is set, not once per request.
    private var failExpected = Self.failExpected(Self.defaults.nofile, Self.defaults.nproc)
    private static let defaults = (nofile: 65535, nproc: 4096)

    private static func failExpected(_ nofile: Int, _ nproc: Int) -> String {
        "nofile >= \(nofile), nproc >= \(nproc)"
    }

    /// The defaults.
    public init() {}

    public static var settings: [CheckSetting<Self>] {
        [
            .integer("nofile_minimum", \.nofileMinimum, atLeast: 1),
            .integer("nofile_recommended", \.nofileRecommended, atLeast: 1),
            .integer("nproc_minimum", \.nprocMinimum, atLeast: 1),
        ]
    }

    public func validate() throws(CheckSettingError) {
        guard nofileRecommended >= nofileMinimum else {
            throw CheckSettingError(
                key: "nofile_recommended", problem: "must be at least nofile_minimum (\(nofileMinimum))")
        }
    }

    public func description(in language: Language) -> String {
        language == .english ? "nofile and nproc limits" : "检查 nofile/nproc 资源限制"
    }

    /// One limit of the session, and the least it should be.
    private struct Limit {
        var item: String
        var soft: Bool
        var value: ResourceLimit
        var wanted: Int

        var chinese: String { "\(item) \(soft ? "软" : "硬")限制为 \(value)" }
        var english: String { "\(soft ? "soft" : "hard") \(item) is \(value)" }
    }

    /// A node's four limits, when every one is known.
    private static func knownLimits(
        _ facts: borrowing NodeFacts
    ) -> (nofileSoft: ResourceLimit, nofileHard: ResourceLimit, nprocSoft: ResourceLimit, nprocHard: ResourceLimit)? {
        guard let nofileSoft = facts.nofileSoft, let nofileHard = facts.nofileHard, let nprocSoft = facts.nprocSoft,
            let nprocHard = facts.nprocHard
        else { return nil }
        return (nofileSoft, nofileHard, nprocSoft, nprocHard)
    }

    public func failures(in context: RequestContext, into failures: inout NodeFailures) throws {
        try context.judgeMemberNodes(
            into: &failures, reading: Self.knownLimits, unknown: Self.unknownFact, expected: failExpected
        ) { node, known in
            let (nofileSoft, nofileHard, nprocSoft, nprocHard) = known
            // Nearly every node passes: it costs four comparisons, nothing built.
            if nofileSoft.isAtLeast(Int64(nofileRecommended)) && nprocSoft.isAtLeast(Int64(nprocMinimum))
                && nofileHard.isAtLeast(Int64(nofileRecommended)) && nprocHard.isAtLeast(Int64(nprocMinimum))
            {
                return nil
            }
            let limits = [
                Limit(item: "nofile", soft: true, value: nofileSoft, wanted: nofileMinimum),
                Limit(item: "nofile", soft: false, value: nofileHard, wanted: nofileMinimum),
                Limit(item: "nproc", soft: true, value: nprocSoft, wanted: nprocMinimum),
                Limit(item: "nproc", soft: false, value: nprocHard, wanted: nprocMinimum),
            ]
            let actual = "nofile \(nofileSoft)/\(nofileHard), nproc \(nprocSoft)/\(nprocHard) (soft/hard)"
            let fix = Self.fix([
                ("nofile", nofileSoft, nofileHard, nofileRecommended), ("nproc", nprocSoft, nprocHard, nprocMinimum),
            ])
            func listed(_ some: some Sequence<Limit>, _ each: (Limit) -> String) -> String {
                some.map(each).joined(separator: "; ")
            }
            let failing = limits.filter { !$0.value.isAtLeast(Int64($0.wanted)) }
            if !failing.isEmpty {
                return NodeFailure(
                    nodeID: node.id,
                    message: context.text(
                        "\(node.host) 资源限制不足: \(listed(failing) { "\($0.chinese), 至少需要 \($0.wanted)" })",
                        en: "\(node.host) \(listed(failing) { "\($0.english), at least \($0.wanted) needed" })"
                    ),
                    expected: failExpected,
                    actual: actual,
                    fix: fix
                )
            }
            let low = limits.prefix(2).filter { !$0.value.isAtLeast(Int64(nofileRecommended)) }
            guard !low.isEmpty else { return nil }
            return NodeFailure(
                nodeID: node.id,
                message: context.text(
                    "\(node.host) 资源限制低于建议值: \(listed(low) { "\($0.chinese), 建议至少 \(nofileRecommended)" })",
                    en: "\(node.host) \(listed(low) { "\($0.english), \(nofileRecommended) recommended" })"
                ),
                level: .warn,
                expected: "nofile >= \(nofileRecommended)",
                actual: actual,
                fix: fix
            )
        }
    }

    /// Raises what is low, from the next login on: `nofile` to the recommended value, `nproc` to the minimum, in one
    /// `limits.d` file per item written whole, so that running it again changes nothing. The file states both limits,
    /// neither below what the session has now (a hard limit already higher, or unlimited, stays so; a soft limit is
    /// never left above the hard one). `*` does not apply to root in `pam_limits`, hence the `root` lines.
    private static func fix(_ items: [(String, ResourceLimit, ResourceLimit, Int)]) -> String? {
        var commands: [String] = []
        for (item, soft, hard, wanted) in items {
            guard !soft.isAtLeast(Int64(wanted)) || !hard.isAtLeast(Int64(wanted)) else { continue }
            let values = [("soft", raised(soft, to: wanted)), ("hard", raised(hard, to: wanted))]
            let lines = ["*", "root"].flatMap { domain in values.map { "\(domain) \($0) \(item) \($1)" } }
            commands.append(
                "printf '\(lines.joined(separator: "\\n"))\\n' > /etc/security/limits.d/99-fcgi-check-\(item).conf")
        }
        return commands.isEmpty ? nil : commands.joined(separator: " && ")
    }

    /// `limit`, raised to `wanted` if below it.
    private static func raised(_ limit: ResourceLimit, to wanted: Int) -> String {
        switch limit {
        case .unlimited: "unlimited"
        case .limited(let value): String(max(value, Int64(wanted)))
        }
    }
}
