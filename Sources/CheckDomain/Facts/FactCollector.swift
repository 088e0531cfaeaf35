import Foundation

/// Turns what `CollectionScript` printed on a node into its facts: the one place where raw sources are judged, for
/// a node reached over SSH (`nodes collect`), a dump stored from elsewhere (`nodes facts --raw`) and this machine
/// (`fcgi-check facts`, which runs the same script locally) alike.
///
/// Every fact the dump does not tell stays unknown; nothing is guessed.
public enum FactCollector {
    /// When the collector sent the script's body and when the node's clock line came back, for the clock offset.
    public struct ClockExchange: Sendable, Equatable {
        /// When the body was written to the session (the collector's clock).
        public var sent: Date
        /// When the node's clock line arrived (the collector's clock).
        public var received: Date

        /// Creates an exchange.
        public init(sent: Date, received: Date) {
            self.sent = sent
            self.received = received
        }
    }

    /// The facts a dump tells.
    /// - Parameters:
    ///   - exchange: the instants around the node's clock line; without them (a dump run elsewhere and stored with
    ///     `nodes facts --raw`) the clock offset is unknown.
    ///   - collectedAt: when the dump was taken (the collector's clock).
    public static func facts(from dump: FactDump, exchange: ClockExchange?, collectedAt: Date) -> NodeFacts {
        var facts = NodeFacts()
        var releaseTexts: [String: String] = [:]
        for path in FactParsers.releaseFiles { releaseTexts[path] = dump.file(path) }
        let identity = FactParsers.osIdentity(
            osRelease: dump.file("/etc/os-release") ?? dump.file("/usr/lib/os-release"),
            releaseFiles: releaseTexts,
            debianVersion: dump.file("/etc/debian_version")
        )
        facts.osID = identity.id
        facts.osVersion = identity.version
        facts.systemdVersion = dump.output("systemctl-version").flatMap(FactParsers.systemdVersion)
        facts.kernelRelease = dump.file("/proc/sys/kernel/osrelease").flatMap(trimmed)
        facts.hostname = dump.file("/proc/sys/kernel/hostname").flatMap(trimmed)
        facts.cpuCount = dump.file("/sys/devices/system/cpu/online").flatMap(FactParsers.onlineCPUs)
        let memory = dump.file("/proc/meminfo").map(FactParsers.memoryInfo)
        facts.memoryTotalBytes = memory?.memoryTotal
        facts.swapTotalBytes = memory?.swapTotal
        facts.transparentHugePages = dump.file("/sys/kernel/mm/transparent_hugepage/enabled")
            .flatMap(FactParsers.transparentHugePages)
        facts.selinuxMode = selinuxMode(dump)
        facts.selinuxConfigMode = configMode(dump)

        facts.clockSynchronized = FactParsers.clockSynchronized(
            timedatectl: dump.output("timedatectl"),
            timesyncdFlagPresent: dump.file("/run/systemd/timesync/synchronized") != nil,
            chronyTracking: dump.output("chronyc-tracking"),
            ntpstatStatus: commandStatus(dump, "ntpstat"),
            phc2sysRunning: commandStatus(dump, "phc2sys").flatMap { $0 == 0 ? true : $0 == 1 ? false : nil }
        )
        if let exchange, let nodeTime = dump.nodeTime, exchange.received >= exchange.sent {
            let roundTrip = exchange.received.timeIntervalSince(exchange.sent)
            let middle = exchange.sent.timeIntervalSince1970 + roundTrip / 2
            // Whole seconds only: the node's time lies anywhere in that second.
            let nodeSeconds = nodeTime.seconds + (nodeTime.hasFraction ? 0 : 0.5)
            facts.clockOffsetSeconds = (nodeSeconds - middle).rounded(toPlaces: 6)
            facts.clockOffsetErrorSeconds = (roundTrip / 2 + (nodeTime.hasFraction ? 0 : 0.5)).rounded(toPlaces: 6)
        }
        facts.timezone = FactParsers.timezone(
            timedatectl: dump.output("timedatectl"),
            localtimeLink: dump.output("localtime-link"),
            timezoneFile: dump.file("/etc/timezone"),
            sysconfigClock: dump.file("/etc/sysconfig/clock")
        )

        if let limits = dump.file("/proc/self/limits").map(FactParsers.processLimits) {
            facts.nofileSoft = limits.nofile?.soft
            facts.nofileHard = limits.nofile?.hard
            facts.nprocSoft = limits.nproc?.soft
            facts.nprocHard = limits.nproc?.hard
        }
        facts.limitsRules = limitsRules(dump)
        if case .command(let output, _) = dump.sources["sysctl"] {
            // grep exits 2 when one of the files is missing (an older kernel); the others still count.
            facts.sysctl = FactParsers.sysctl(output)
        }
        if case .command(let output, let status) = dump.sources["governors"] {
            facts.cpuGovernors = FactParsers.cpuGovernors(output, status: status)
        }
        let tcp = dump.file("/proc/net/tcp")
        let tcp6 = dump.file("/proc/net/tcp6")
        facts.listeningTCP = FactParsers.listeningTCP(tcp: tcp, tcp6: tcp6)
        facts.firewall = firewall(dump)
        if let procMounts = dump.file("/proc/mounts") {
            facts.mounts = FactParsers.mounts(procMounts: procMounts, df: dump.output("df"))
        }
        facts.numaNodes = numaNodes(dump)
        switch commandStatus(dump, "irqbalance") {
        case 0: facts.irqbalanceRunning = true
        case 1: facts.irqbalanceRunning = false
        default: break
        }
        facts.collectedAt = collectedAt
        return facts
    }

    private static func trimmed(_ text: String) -> String? {
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return value.isEmpty ? nil : value
    }

    private static func commandStatus(_ dump: FactDump, _ name: String) -> Int32? {
        if case .command(_, let status) = dump.sources[name] { return status }
        return nil
    }

    /// No SELinux file system means SELinux is disabled (or absent, as on Debian and Ubuntu); a file that exists
    /// but cannot be read is unknown.
    private static func selinuxMode(_ dump: FactDump) -> String? {
        switch dump.sources["/sys/fs/selinux/enforce"] {
        case .missing: "disabled"
        case .file(let text): FactParsers.selinuxMode(enforce: text, selinuxFilesystemPresent: true)
        default: nil
        }
    }

    private static func configMode(_ dump: FactDump) -> String? {
        switch dump.sources["/etc/selinux/config"] {
        case .missing: FactParsers.selinuxConfigMode(nil)
        case .file(let text): FactParsers.selinuxConfigMode(text)
        default: nil
        }
    }

    /// `limits.conf` then `limits.d/*.conf` in the order the glob gave (PAM's order); unknown if any of them could
    /// not be read.
    private static func limitsRules(_ dump: FactDump) -> [LimitsRule]? {
        let main = "/etc/security/limits.conf"
        var rules: [LimitsRule] = []
        switch dump.sources[main] {
        case .file(let text): rules += FactParsers.limitsRules(text, file: main)
        case .missing: break
        default: return nil
        }
        for path in dump.fileOrder where path.hasPrefix("/etc/security/limits.d/") {
            guard let text = dump.file(path) else { return nil }
            rules += FactParsers.limitsRules(text, file: path)
        }
        for (path, source) in dump.sources where path.hasPrefix("/etc/security/limits.d/") {
            if source == .unreadable { return nil }
        }
        return rules
    }

    private static func firewall(_ dump: FactDump) -> String? {
        let firewalld = dump.sources["firewalld-active"]
        let ufw = dump.sources["/etc/ufw/ufw.conf"]
        // Nothing to go on at all: no systemctl to ask and no ufw file either way.
        if firewalld == nil && ufw == nil { return nil }
        let firewalldState: String? =
            if case .command(let output, _) = firewalld { output } else { nil }
        return FactParsers.firewall(
            firewalldActive: firewalldState,
            ufwConfig: dump.file("/etc/ufw/ufw.conf"),
            iptablesRules: dump.output("iptables"),
            nftRuleset: dump.output("nft")
        )
    }

    private static func numaNodes(_ dump: FactDump) -> Int? {
        switch dump.sources["/sys/devices/system/node"] {
        case .missing: return 1
        case .directory:
            guard case .command(let output, 0) = dump.sources["numa-nodes"] else { return nil }
            let count = output.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("node") }.count
            return count > 0 ? count : nil
        default: return nil
        }
    }
}

extension Double {
    fileprivate func rounded(toPlaces places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}
