/// `check_data_dir`: the file system that holds `data_dir` (the mount with the longest mount point that contains
/// it): its type must be one of `fileSystems` and it must have `minimumFreeGiB` free (fail); it should be mounted
/// with every option of `mountOptions` (warn).
///
/// The directory need not exist yet: the mount that would hold it is judged. Free space is judged in bytes, not as a
/// share of the disk (a 90 % full 20 TiB disk still has 2 TiB).
public struct DataDirCheck: CheckItem {
    public static let name = "check_data_dir"
    public let facts: [Fact] = [.mounts]
    /// The directory the cluster's data goes in.
    public var dataDir = "/data" {
        didSet { texts = makeTexts() }
    }
    /// The file system types that pass.
    public var fileSystems = ["xfs", "ext4"] {
        didSet { texts = makeTexts() }
    }
    /// The mount options it should have; a missing one warns.
    public var mountOptions = ["noatime"] {
        didSet { texts = makeTexts() }
    }
    /// Less free space fails, in GiB.
    public var minimumFreeGiB = 100 {
        didSet { texts = makeTexts() }
    }
    /// What every judgement says of the settings, made when one is set rather than once per request.
    private var texts: Texts

    /// The texts made of the settings.
    private struct Texts: Sendable {
        /// `minimumFreeGiB` in bytes.
        let minimumFree: Int64
        /// `100 GiB`.
        let freeText: String
        /// `xfs | ext4, free >= 100 GiB`.
        let failExpected: String
        /// `noatime`: what a node that only warns is expected to have.
        let warnExpected: String
        /// The fact a node without a mount for `dataDir` lacks.
        let unknownFact: UnknownFact

        init(dataDir: String, fileSystems: [String], mountOptions: [String], minimumFreeGiB: Int) {
            minimumFree = Int64(minimumFreeGiB) << 30
            freeText = ByteSize.text(minimumFree)
            failExpected = "\(fileSystems.joined(separator: " | ")), free >= \(freeText)"
            warnExpected = mountOptions.joined(separator: ",")
            unknownFact = UnknownFact("数据目录 \(dataDir) 所在挂载点", "mount holding data_dir \(dataDir)")
        }
    }

    private func makeTexts() -> Texts {
        Texts(dataDir: dataDir, fileSystems: fileSystems, mountOptions: mountOptions, minimumFreeGiB: minimumFreeGiB)
    }

    /// The defaults.
    public init() {
        // Not `makeTexts()`: `self` may not be used before `texts` has a value.
        texts = Texts(
            dataDir: dataDir, fileSystems: fileSystems, mountOptions: mountOptions, minimumFreeGiB: minimumFreeGiB)
    }

    public static var settings: [CheckSetting<Self>] {
        [
            .absolutePath("data_dir", \.dataDir), .words("file_systems", \.fileSystems, nonEmpty: true),
            .words("mount_options", \.mountOptions, nonEmpty: false),
            .integer("minimum_free_gib", \.minimumFreeGiB, atLeast: 0, atMost: 1 << 30),
        ]
    }

    public func description(in language: Language) -> String {
        language == .english ? "Data directory's file system" : "检查数据目录所在文件系统"
    }

    /// The mount holding `path`: the longest mount point that is `path` or one of its parents.
    static func mount(holding path: String, in mounts: [Mount]) -> Mount? {
        var best: Mount?
        for mount in mounts {
            let point = mount.mountPoint
            let holds =
                point == "/" || path == point
                || (path.hasPrefix(point) && path.utf8.dropFirst(point.utf8.count).first == UInt8(ascii: "/"))
            if holds && point.utf8.count >= (best?.mountPoint.utf8.count ?? -1) { best = mount }
        }
        return best
    }

    public func failures(in context: RequestContext, into failures: inout NodeFailures) throws {
        let minimumFree = texts.minimumFree
        let freeText = texts.freeText
        let failExpected = texts.failExpected
        let unknownFact = texts.unknownFact
        try context.judgeMemberNodes(
            into: &failures, reading: \.mounts, unknown: unknownFact, expected: failExpected
        ) { node, mounts in
            guard let mount = Self.mount(holding: dataDir, in: mounts) else {
                return .unknown(node, unknownFact, expected: failExpected, in: context)
            }
            var chinese: [String] = []
            var english: [String] = []
            var level = CheckLevel.warn
            if !fileSystems.contains(mount.fsType) {
                chinese.append("文件系统为 \(mount.fsType), 应为 \(fileSystems.joined(separator: " 或 "))")
                english.append("its file system is \(mount.fsType), expected \(fileSystems.joined(separator: " or "))")
                level = .fail
            }
            if let free = mount.freeBytes {
                if free < minimumFree {
                    chinese.append("可用空间为 \(ByteSize.text(free)), 至少需要 \(freeText)")
                    english.append("it has \(ByteSize.text(free)) free, at least \(freeText) needed")
                    level = .fail
                }
            } else if minimumFree > 0 {
                chinese.append("可用空间未知")
                english.append("its free space is unknown")
                level = .fail
            }
            let missing = mountOptions.filter { !Self.options(mount.options, hold: $0) }
            if !missing.isEmpty {
                chinese.append("挂载选项缺少 \(missing.joined(separator: ", "))")
                english.append("its mount options lack \(missing.joined(separator: ", "))")
            }
            guard !chinese.isEmpty else { return nil }
            let place = "\(mount.mountPoint) (\(mount.fsType))"
            return NodeFailure(
                nodeID: node.id,
                message: context.text(
                    "\(node.host) 数据目录 \(dataDir) 所在挂载点 \(place): \(chinese.joined(separator: "; "))",
                    en: "\(node.host) data_dir \(dataDir) is on \(place): \(english.joined(separator: "; "))"
                ),
                level: level,
                expected: level == .fail ? failExpected : texts.warnExpected,
                actual: "\(mount.mountPoint) \(mount.fsType) \(mount.options), free "
                    + (mount.freeBytes.map(ByteSize.text) ?? "unknown"),
                fix: missing.isEmpty ? nil : Self.remount(mount.mountPoint, adding: missing)
            )
        }
    }

    /// Whether comma-separated mount options hold `option`: byte by byte when both are ASCII, as mount options
    /// are; anything else as characters.
    static func options(_ options: String, hold option: String) -> Bool {
        guard options.isASCII && option.isASCII else {
            return options.split(separator: ",").contains { $0 == option }
        }
        return options.containsWord(option, separatedBy: UInt8(ascii: ","))
    }

    /// Remounts with the missing options now (`mount -o remount` keeps the others); they belong in the mount's
    /// `/etc/fstab` entry too, to outlive a reboot. nil for a mount point that cannot be quoted safely.
    static func remount(_ mountPoint: String, adding options: [String]) -> String? {
        ShellWord.quoted(mountPoint).map { "mount -o remount,\(options.joined(separator: ",")) \($0)" }
    }
}
