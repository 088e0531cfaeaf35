import Foundation

/// What is known about a machine, as collected on it by `fcgi-check facts`; a nil fact is unknown, never guessed.
///
/// Stored and exchanged as a JSON object with snake_case keys. New facts are new optional properties: rows stored
/// before they existed decode with the new fact unknown, and unknown keys from newer collectors are ignored.
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
    /// The transparent huge pages setting: `always`, `madvise` or `never`.
    public var transparentHugePages: String?
    /// `enforcing`, `permissive` or `disabled`.
    public var selinuxMode: String?
    /// Whether the kernel considers the clock synchronised (NTP, chrony, systemd-timesyncd).
    public var clockSynchronized: Bool?
    /// The machine's host name.
    public var hostname: String?
    /// When these facts were collected.
    public var collectedAt: Date?

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
        case clockSynchronized = "clock_synchronized"
        case hostname
        case collectedAt = "collected_at"
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
        try container.encode(clockSynchronized, forKey: .clockSynchronized)
        try container.encode(hostname, forKey: .hostname)
        try container.encode(collectedAt, forKey: .collectedAt)
    }
}

extension NodeFacts {
    /// The JSON form (`fcgi-check facts` prints it, the inventory stores it): sorted keys, ISO 8601 times.
    public func jsonData(pretty: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    /// Reads the JSON form.
    /// - Throws: `DecodingError` naming the offending key.
    public init(jsonData: Data) throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        self = try decoder.decode(NodeFacts.self, from: jsonData)
    }
}
