import Foundation

/// What is known about a machine, as collected from it (`fcgi-check nodes collect`, `fcgi-check facts`); a nil fact
/// is unknown, never guessed.
///
/// A fact that is *absent by nature* is not nil: a machine without cpufreq has `cpuGovernors == []`, one without
/// SELinux has `selinuxMode == "disabled"`, one with no firewall `firewall == "none"`.
///
/// Stored and exchanged as a JSON object with snake_case keys; reading it refuses a key it does not know (a
/// misspelt fact must not be stored as if everything were unknown). New facts are new optional properties: rows
/// stored before they existed read with the new fact unknown.
public struct NodeFacts: Sendable, Equatable, Codable {
    /// `/etc/os-release`'s `ID`, e.g. `centos`, `rhel`, `ubuntu`.
    public var osID: String?
    /// The full OS version, e.g. `7.9.2009` (CentOS), `8.10` (RHEL), `22.04` (Ubuntu).
    public var osVersion: String?
    /// The systemd major version, e.g. 219.
    public var systemdVersion: Int?
    /// `uname -r`.
    public var kernelRelease: String?
    /// Online CPUs.
    public var cpuCount: Int?
    /// `MemTotal` of `/proc/meminfo`, in bytes.
    public var memoryTotalBytes: Int64?
    /// `SwapTotal` of `/proc/meminfo`, in bytes.
    public var swapTotalBytes: Int64?
    /// The transparent huge pages setting (`enabled`, not `defrag`): `always`, `madvise` or `never`.
    public var transparentHugePages: String?
    /// The running SELinux mode: `enforcing`, `permissive` or `disabled`.
    public var selinuxMode: String?
    /// `SELINUX=` of `/etc/selinux/config`, the mode after the next reboot (`disabled` when there is no such file).
    public var selinuxConfigMode: String?
    /// Whether the clock is synchronised (timedated's account of the kernel, else chrony, ntpd or timesyncd).
    public var clockSynchronized: Bool?
    /// The node's clock minus the collector's, in seconds, measured while collecting.
    public var clockOffsetSeconds: Double?
    /// The bound on `clockOffsetSeconds`' error: half the round trip, plus half a second when the node's `date`
    /// prints whole seconds only.
    public var clockOffsetErrorSeconds: Double?
    /// The time zone, e.g. `Asia/Shanghai`.
    public var timezone: String?
    /// The machine's host name.
    public var hostname: String?
    /// Soft `nofile` limit of the login user.
    public var nofileSoft: ResourceLimit?
    /// Hard `nofile` limit of the login user.
    public var nofileHard: ResourceLimit?
    /// Soft `nproc` limit of the login user.
    public var nprocSoft: ResourceLimit?
    /// Hard `nproc` limit of the login user.
    public var nprocHard: ResourceLimit?
    /// The `nofile`/`nproc` lines of `/etc/security/limits.conf` and `limits.d/*.conf`, in the order PAM reads them.
    public var limitsRules: [LimitsRule]?
    /// Kernel settings read from `/proc/sys`, by their `sysctl` names (`vm.swappiness`); an unreadable one is absent.
    public var sysctl: [String: String]?
    /// Each online CPU's frequency governor, in CPU order; empty when the machine has no cpufreq (common on VMs).
    public var cpuGovernors: [String]?
    /// Listening TCP sockets as `address:port` (`0.0.0.0:22`, `[::]:22`), from `/proc/net/tcp` and `tcp6`, sorted.
    public var listeningTCP: [String]?
    /// The active firewall: `firewalld`, `ufw`, `iptables`, `nftables`, or `none`.
    public var firewall: String?
    /// Mounted file systems (pseudo file systems left out), with size and free space.
    public var mounts: [Mount]?
    /// NUMA nodes (1 on a kernel without NUMA).
    public var numaNodes: Int?
    /// Whether `irqbalance` runs.
    public var irqbalanceRunning: Bool?
    /// When these facts were collected (the collector's clock).
    public var collectedAt: Date?

    /// No fact known: what a row of the inventory is read into.
    ///
    /// Its own initialiser, not the one below with every argument left out: that one assigned its twelve parameters
    /// one by one, and the compiler built the value in place and then copied it out (some 580 instructions a row).
    public init() {}

    /// Creates a set of facts; everything not given is unknown.
    public init(
        osID: String? = nil,
        osVersion: String? = nil,
        systemdVersion: Int? = nil,
        kernelRelease: String? = nil,
        cpuCount: Int? = nil,
        memoryTotalBytes: Int64? = nil,
        swapTotalBytes: Int64? = nil,
        transparentHugePages: String? = nil,
        selinuxMode: String? = nil,
        clockSynchronized: Bool? = nil,
        hostname: String? = nil,
        collectedAt: Date? = nil
    ) {
        self.osID = osID
        self.osVersion = osVersion
        self.systemdVersion = systemdVersion
        self.kernelRelease = kernelRelease
        self.cpuCount = cpuCount
        self.memoryTotalBytes = memoryTotalBytes
        self.swapTotalBytes = swapTotalBytes
        self.transparentHugePages = transparentHugePages
        self.selinuxMode = selinuxMode
        self.clockSynchronized = clockSynchronized
        self.hostname = hostname
        self.collectedAt = collectedAt
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case osID = "os_id"
        case osVersion = "os_version"
        case systemdVersion = "systemd_version"
        case kernelRelease = "kernel_release"
        case cpuCount = "cpu_count"
        case memoryTotalBytes = "memory_total_bytes"
        case swapTotalBytes = "swap_total_bytes"
        case transparentHugePages = "transparent_hugepages"
        case selinuxMode = "selinux_mode"
        case selinuxConfigMode = "selinux_config_mode"
        case clockSynchronized = "clock_synchronized"
        case clockOffsetSeconds = "clock_offset_seconds"
        case clockOffsetErrorSeconds = "clock_offset_error_seconds"
        case timezone
        case hostname
        case nofileSoft = "nofile_soft"
        case nofileHard = "nofile_hard"
        case nprocSoft = "nproc_soft"
        case nprocHard = "nproc_hard"
        case limitsRules = "limits_rules"
        case sysctl
        case cpuGovernors = "cpu_governors"
        case listeningTCP = "listening_tcp"
        case firewall
        case mounts
        case numaNodes = "numa_nodes"
        case irqbalanceRunning = "irqbalance_running"
        case collectedAt = "collected_at"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        osID = try container.decodeIfPresent(String.self, forKey: .osID)
        osVersion = try container.decodeIfPresent(String.self, forKey: .osVersion)
        systemdVersion = try container.decodeNumberIfPresent(Int.self, forKey: .systemdVersion)
        kernelRelease = try container.decodeIfPresent(String.self, forKey: .kernelRelease)
        cpuCount = try container.decodeNumberIfPresent(Int.self, forKey: .cpuCount)
        memoryTotalBytes = try container.decodeNumberIfPresent(Int64.self, forKey: .memoryTotalBytes)
        swapTotalBytes = try container.decodeNumberIfPresent(Int64.self, forKey: .swapTotalBytes)
        transparentHugePages = try container.decodeIfPresent(String.self, forKey: .transparentHugePages)
        selinuxMode = try container.decodeIfPresent(String.self, forKey: .selinuxMode)
        selinuxConfigMode = try container.decodeIfPresent(String.self, forKey: .selinuxConfigMode)
        clockSynchronized = try container.decodeIfPresent(Bool.self, forKey: .clockSynchronized)
        clockOffsetSeconds = try container.decodeNumberIfPresent(Double.self, forKey: .clockOffsetSeconds)
        clockOffsetErrorSeconds = try container.decodeNumberIfPresent(Double.self, forKey: .clockOffsetErrorSeconds)
        timezone = try container.decodeIfPresent(String.self, forKey: .timezone)
        hostname = try container.decodeIfPresent(String.self, forKey: .hostname)
        nofileSoft = try container.decodeIfPresent(ResourceLimit.self, forKey: .nofileSoft)
        nofileHard = try container.decodeIfPresent(ResourceLimit.self, forKey: .nofileHard)
        nprocSoft = try container.decodeIfPresent(ResourceLimit.self, forKey: .nprocSoft)
        nprocHard = try container.decodeIfPresent(ResourceLimit.self, forKey: .nprocHard)
        limitsRules = try container.decodeIfPresent([LimitsRule].self, forKey: .limitsRules)
        sysctl = try container.decodeIfPresent([String: String].self, forKey: .sysctl)
        cpuGovernors = try container.decodeIfPresent([String].self, forKey: .cpuGovernors)
        listeningTCP = try container.decodeIfPresent([String].self, forKey: .listeningTCP)
        firewall = try container.decodeIfPresent(String.self, forKey: .firewall)
        mounts = try container.decodeIfPresent([Mount].self, forKey: .mounts)
        numaNodes = try container.decodeNumberIfPresent(Int.self, forKey: .numaNodes)
        irqbalanceRunning = try container.decodeIfPresent(Bool.self, forKey: .irqbalanceRunning)
        collectedAt = try container.decodeISO8601IfPresent(forKey: .collectedAt)
    }

    /// Every fact is written, unknown ones as `null`, so that a reader sees what was looked for and not found.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(osID, forKey: .osID)
        try container.encode(osVersion, forKey: .osVersion)
        try container.encode(systemdVersion, forKey: .systemdVersion)
        try container.encode(kernelRelease, forKey: .kernelRelease)
        try container.encode(cpuCount, forKey: .cpuCount)
        try container.encode(memoryTotalBytes, forKey: .memoryTotalBytes)
        try container.encode(swapTotalBytes, forKey: .swapTotalBytes)
        try container.encode(transparentHugePages, forKey: .transparentHugePages)
        try container.encode(selinuxMode, forKey: .selinuxMode)
        try container.encode(selinuxConfigMode, forKey: .selinuxConfigMode)
        try container.encode(clockSynchronized, forKey: .clockSynchronized)
        try container.encode(clockOffsetSeconds, forKey: .clockOffsetSeconds)
        try container.encode(clockOffsetErrorSeconds, forKey: .clockOffsetErrorSeconds)
        try container.encode(timezone, forKey: .timezone)
        try container.encode(hostname, forKey: .hostname)
        try container.encode(nofileSoft, forKey: .nofileSoft)
        try container.encode(nofileHard, forKey: .nofileHard)
        try container.encode(nprocSoft, forKey: .nprocSoft)
        try container.encode(nprocHard, forKey: .nprocHard)
        try container.encode(limitsRules, forKey: .limitsRules)
        try container.encode(sysctl, forKey: .sysctl)
        try container.encode(cpuGovernors, forKey: .cpuGovernors)
        try container.encode(listeningTCP, forKey: .listeningTCP)
        try container.encode(firewall, forKey: .firewall)
        try container.encode(mounts, forKey: .mounts)
        try container.encode(numaNodes, forKey: .numaNodes)
        try container.encode(irqbalanceRunning, forKey: .irqbalanceRunning)
        try container.encode(collectedAt, forKey: .collectedAt)
    }
}

extension NodeFacts {
    /// The JSON form (`fcgi-check facts` prints it, the inventory's JSON listing holds it): sorted keys, ISO 8601
    /// times.
    public func jsonData(pretty: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    /// Reads the JSON form.
    /// - Throws: `DecodingError` naming the offending key (an unknown one included).
    public init(jsonData: Data) throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        self = try decoder.decode(NodeFacts.self, from: jsonData)
    }
}
