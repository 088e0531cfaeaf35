import CLinux
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Collects this machine's facts by reading system files, running `systemctl --version` and asking the kernel
/// whether the clock is synchronised.
///
/// Every fact that cannot be read (a file missing, a command absent or failing) stays unknown.
public struct FactCollector: Sendable {
    /// Reads a file's text, or nil.
    public var readFile: @Sendable (String) -> String?
    /// Whether a path exists.
    public var exists: @Sendable (String) -> Bool
    /// Runs a command (absolute path and arguments) and returns its standard output when it exits 0, or nil.
    public var run: @Sendable (String, [String]) -> String?
    /// The current time.
    public var now: @Sendable () -> Date
    /// Whether the system clock is synchronised, or nil when that cannot be told.
    public var clockSynchronized: @Sendable () -> Bool?

    /// A collector of the real machine.
    public init() {
        readFile = { path in try? String(contentsOfFile: path, encoding: .utf8) }
        exists = { path in FileManager.default.fileExists(atPath: path) }
        run = FactCollector.runCommand
        now = { Date() }
        // The kernel's own account (adjtimex), as timedated reports it in `timedatectl`: it needs neither a D-Bus
        // nor a systemd new enough for `timedatectl show` (CentOS 7's 219 has no such verb).
        clockSynchronized = {
            switch CLinux_clockSynchronized() {
            case 1: true
            case 0: false
            default: nil
            }
        }
    }

    /// A collector over given sources, for tests.
    public init(
        readFile: @escaping @Sendable (String) -> String?,
        exists: @escaping @Sendable (String) -> Bool,
        run: @escaping @Sendable (String, [String]) -> String?,
        now: @escaping @Sendable () -> Date,
        clockSynchronized: @escaping @Sendable () -> Bool? = { nil }
    ) {
        self.readFile = readFile
        self.exists = exists
        self.run = run
        self.now = now
        self.clockSynchronized = clockSynchronized
    }

    /// This machine's facts.
    public func collect() -> NodeFacts {
        var releaseTexts: [String: String] = [:]
        for path in FactParsers.releaseFiles { releaseTexts[path] = readFile(path) }
        let identity = FactParsers.osIdentity(
            osRelease: readFile("/etc/os-release") ?? readFile("/usr/lib/os-release"),
            releaseFiles: releaseTexts,
            debianVersion: readFile("/etc/debian_version")
        )
        let memory = readFile("/proc/meminfo").map(FactParsers.memoryInfo)
        let systemctl = ["/usr/bin/systemctl", "/bin/systemctl"].first(where: exists)
        let online = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return NodeFacts(
            osID: identity.id,
            osVersion: identity.version,
            systemdVersion: systemctl.flatMap { run($0, ["--version"]) }.flatMap(FactParsers.systemdVersion),
            kernelRelease: readFile("/proc/sys/kernel/osrelease")?.trimmingCharacters(in: .whitespacesAndNewlines),
            cpuCount: online > 0 ? online : nil,
            memoryTotalBytes: memory?.memoryTotal,
            swapTotalBytes: memory?.swapTotal,
            transparentHugePages: readFile("/sys/kernel/mm/transparent_hugepage/enabled")
                .flatMap(FactParsers.transparentHugePages),
            selinuxMode: FactParsers.selinuxMode(
                enforce: readFile("/sys/fs/selinux/enforce"),
                selinuxFilesystemPresent: exists("/sys/fs/selinux/enforce")
            ),
            clockSynchronized: clockSynchronized(),
            hostname: Self.hostname(),
            collectedAt: now()
        )
    }

    private static func hostname() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return nil }
        let name = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? nil : name
    }

    @Sendable private static func runCommand(_ path: String, _ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
