/// Which check items run, in which order, with which thresholds; and whether answers keep to the reference service's
/// bytes. Read once at start-up from a TOML file (`Policy.load(path:)`); `Policy()` holds the defaults.
public struct Policy: Sendable, Equatable {
    /// How closely answers follow the reference service.
    public enum Compatibility: String, Sendable, Equatable, CaseIterable {
        /// The whole catalogue, added fields, English on request.
        case none
        /// Byte for byte the reference service's answers: its two check items, its thresholds, no added fields.
        case reference
    }

    /// Every check item this build knows, in default order.
    public static let catalogue: [String] = [
        "check_os_version", "check_systemd_version", "check_kernel_version", "check_cpu_count", "check_memory",
        "check_swap", "check_transparent_hugepages", "check_selinux", "check_clock_sync", "check_facts_freshness",
        "check_member_port", "check_member_host", "check_os_family",
    ]

    /// `compat`.
    public var compatibility: Compatibility = .none
    /// `checks`: the items that run, in answer order.
    public var checks: [String] = Policy.catalogue
    /// `check_os_version.minimum`: the lowest OS version per OS id.
    public var osMinimums: [String: DottedVersion] = [
        "centos": Policy.version("7.2"), "rhel": Policy.version("7.2"), "ol": Policy.version("7.2"),
        "rocky": Policy.version("8"), "almalinux": Policy.version("8"), "anolis": Policy.version("8"),
        "ubuntu": Policy.version("18.04"), "debian": Policy.version("10"), "kylin": Policy.version("V10"),
        "openeuler": Policy.version("20.03"),
    ]
    /// `check_os_version.default_minimum`: the lowest OS version for other ids (the reference's 7.2).
    public var osDefaultMinimum = Policy.version("7.2")
    /// `check_systemd_version.minimum`.
    public var systemdMinimum = 214
    /// `check_systemd_version.banned`.
    public var systemdBanned = [231]
    /// `check_kernel_version.minimum`.
    public var kernelMinimum = Policy.version("3.10")
    /// `check_cpu_count.minimum`.
    public var cpuMinimum = 2
    /// `check_cpu_count.recommended`.
    public var cpuRecommended = 4
    /// `check_memory.minimum_mib`: 3.5 GiB, what a "4 GB" machine shows.
    public var memoryMinimumMiB = 3584
    /// `check_memory.recommended_mib`: 7.5 GiB, what an "8 GB" machine shows.
    public var memoryRecommendedMiB = 7680
    /// `check_swap.maximum_mib`.
    public var swapMaximumMiB = 0
    /// `check_transparent_hugepages.pass` and `.warn`.
    public var transparentHugePages = AllowedSettings(pass: ["never"], warn: ["madvise"])
    /// `check_selinux.pass` and `.warn`.
    public var selinux = AllowedSettings(pass: ["disabled"], warn: ["permissive"])
    /// `check_clock_sync.level`.
    public var clockSyncLevel = CheckLevel.fail
    /// `check_facts_freshness.max_age_hours`.
    public var factsMaximumAgeHours = 24
    /// `check_facts_freshness.warn_age_hours`.
    public var factsWarnAgeHours = 12
    /// `check_member_port.minimum`.
    public var portMinimum = 1
    /// `check_member_port.maximum`.
    public var portMaximum = 65535
    /// `check_member_host.level`.
    public var memberHostLevel = CheckLevel.fail
    /// `check_os_family.level`.
    public var osFamilyLevel = CheckLevel.fail

    /// The defaults.
    public init() {}

    /// A version written in this file, known to parse.
    private static func version(_ text: StaticString) -> DottedVersion {
        guard let version = ReleaseVersion.exact("\(text)") else { preconditionFailure("bad default version \(text)") }
        return version
    }

    /// The policy of `compat = "reference"`.
    public static var reference: Policy {
        var policy = Policy()
        policy.compatibility = .reference
        policy.checks = ["check_os_version", "check_systemd_version"]
        return policy
    }

    /// The fields answers carry.
    public var fields: ResultFields { compatibility == .reference ? .reference : .extended }

    /// Whether requests may choose the language and the check items (not under `compat = "reference"`, whose
    /// reference ignored headers and query strings).
    public var honoursRequestOptions: Bool { compatibility == .none }

    /// The check items of this policy, in order.
    public func registry() -> CheckRegistry {
        if compatibility == .reference { return .standard }
        return CheckRegistry(validated: checks.compactMap(item(named:)))
    }

    /// The check item `name` with this policy's thresholds; nil for a name not in the catalogue.
    public func item(named name: String) -> (any CheckItem)? {
        switch name {
        case "check_os_version": OSVersionCheck(minimums: osMinimums, defaultMinimum: osDefaultMinimum)
        case "check_systemd_version": SystemdVersionCheck(minimum: systemdMinimum, banned: systemdBanned)
        case "check_kernel_version": KernelVersionCheck(minimum: kernelMinimum)
        case "check_cpu_count": CPUCountCheck(minimum: cpuMinimum, recommended: cpuRecommended)
        case "check_memory": MemoryCheck(minimumMiB: memoryMinimumMiB, recommendedMiB: memoryRecommendedMiB)
        case "check_swap": SwapCheck(maximumMiB: swapMaximumMiB)
        case "check_transparent_hugepages": SettingCheck.transparentHugePages(allowed: transparentHugePages)
        case "check_selinux": SettingCheck.selinux(allowed: selinux)
        case "check_clock_sync": ClockSyncCheck(level: clockSyncLevel)
        case "check_facts_freshness":
            FactsFreshnessCheck(maximumAgeHours: factsMaximumAgeHours, warnAgeHours: factsWarnAgeHours)
        case "check_member_port": MemberPortCheck(minimum: portMinimum, maximum: portMaximum)
        case "check_member_host": MemberHostCheck(level: memberHostLevel)
        case "check_os_family": OSFamilyCheck(level: osFamilyLevel)
        default: nil
        }
    }
}
