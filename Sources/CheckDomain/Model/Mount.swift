/// A mounted file system, from `/proc/mounts` joined with `df -P -k` (pseudo file systems left out).
public struct Mount: Sendable, Hashable, Codable {
    /// Where it is mounted.
    public var mountPoint: String
    /// The device or source (`/dev/sdb1`, `server:/export`).
    public var device: String
    /// `xfs`, `ext4`, `nfs4`, ...
    public var fsType: String
    /// The mount options as the kernel lists them (`rw,noatime,...`).
    public var options: String
    /// Its size in bytes, or nil when `df` did not say.
    public var sizeBytes: Int64?
    /// The bytes available to an unprivileged user, or nil when `df` did not say.
    public var freeBytes: Int64?

    /// Creates a mount.
    public init(
        mountPoint: String, device: String, fsType: String, options: String, sizeBytes: Int64? = nil,
        freeBytes: Int64? = nil
    ) {
        self.mountPoint = mountPoint
        self.device = device
        self.fsType = fsType
        self.options = options
        self.sizeBytes = sizeBytes
        self.freeBytes = freeBytes
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case mountPoint = "mount_point"
        case device
        case fsType = "fs_type"
        case options
        case sizeBytes = "size_bytes"
        case freeBytes = "free_bytes"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        mountPoint = try container.decode(String.self, forKey: .mountPoint)
        device = try container.decode(String.self, forKey: .device)
        fsType = try container.decode(String.self, forKey: .fsType)
        options = try container.decode(String.self, forKey: .options)
        sizeBytes = try container.decodeNumberIfPresent(Int64.self, forKey: .sizeBytes)
        freeBytes = try container.decodeNumberIfPresent(Int64.self, forKey: .freeBytes)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mountPoint, forKey: .mountPoint)
        try container.encode(device, forKey: .device)
        try container.encode(fsType, forKey: .fsType)
        try container.encode(options, forKey: .options)
        try container.encode(sizeBytes, forKey: .sizeBytes)
        try container.encode(freeBytes, forKey: .freeBytes)
    }
}
