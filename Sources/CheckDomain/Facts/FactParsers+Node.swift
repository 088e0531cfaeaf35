import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Parsers for the sources `CollectionScript` gathers beyond the OS identity: limits, kernel settings, CPUs, network,
/// time, firewall, storage. Each returns nil when its text does not say.
extension FactParsers {
    /// Online CPUs from `/sys/devices/system/cpu/online`: `0-3,5,7-8` is 7.
    public static func onlineCPUs(_ text: String) -> Int? {
        let list = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !list.isEmpty else { return nil }
        var count = 0
        for range in list.split(separator: ",") {
            let bounds = range.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count <= 2, let low = Int(bounds[0]), low >= 0 else { return nil }
            let high = bounds.count == 2 ? Int(bounds[1]) : low
            guard let high, high >= low, high - low < 1 << 20 else { return nil }
            count += high - low + 1
        }
        return count
    }

    /// `SELINUX=` of `/etc/selinux/config`: `enforcing`, `permissive` or `disabled`; no file is `disabled`.
    public static func selinuxConfigMode(_ text: String?) -> String? {
        guard let text else { return "disabled" }
        let value = osRelease(text)["SELINUX"]?.lowercased()
        return ["enforcing", "permissive", "disabled"].contains(value ?? "") ? value : nil
    }

    /// Whether the clock is synchronised: yes when any source says so, no when a source answered and none says so,
    /// unknown when none answered. The sources: `timedatectl status` (timedated's reading of the kernel,
    /// `System clock synchronized:` or systemd 219's `NTP synchronized:`), systemd-timesyncd's flag file,
    /// `chronyc -n tracking`'s leap status, `ntpstat`'s exit status, and a running `phc2sys` (PTP). Each speaks for
    /// its own daemon, and chrony, timesyncd and PTP all count: chronyd without clock control and phc2sys leave the
    /// kernel's flag unset, so timedated's "no" alone does not overrule them.
    public static func clockSynchronized(
        timedatectl: String?, timesyncdFlagPresent: Bool, chronyTracking: String?, ntpstatStatus: Int32?,
        phc2sysRunning: Bool? = nil
    ) -> Bool? {
        var answered = false
        if let timedatectl {
            for line in timedatectl.split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let key = parts[0].trimmingCharacters(in: .whitespaces)
                guard key == "System clock synchronized" || key == "NTP synchronized" else { continue }
                switch parts[1].trimmingCharacters(in: .whitespaces) {
                case "yes": return true
                case "no": answered = true
                default: break
                }
            }
        }
        if timesyncdFlagPresent { return true }
        if let chronyTracking {
            for line in chronyTracking.split(whereSeparator: \.isNewline) where line.hasPrefix("Leap status") {
                let value = line.split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces)
                if value == "Normal" || value == "Insert second" || value == "Delete second" { return true }
                if value == "Not synchronised" { answered = true }
            }
        }
        switch ntpstatStatus {
        case 0: return true
        case 1: answered = true
        default: break
        }
        if phc2sysRunning == true { return true }
        return answered ? false : nil
    }

    /// The `nofile` and `nproc` limits (soft, hard) from `/proc/self/limits`.
    public static func processLimits(_ text: String) -> (
        nofile: (soft: ResourceLimit, hard: ResourceLimit)?, nproc: (soft: ResourceLimit, hard: ResourceLimit)?
    ) {
        func limits(_ name: String) -> (soft: ResourceLimit, hard: ResourceLimit)? {
            for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix(name + " ") {
                let fields = line.dropFirst(name.count).split(whereSeparator: \.isWhitespace)
                guard fields.count >= 2, let soft = ResourceLimit(fields[0]), let hard = ResourceLimit(fields[1])
                else { return nil }
                return (soft, hard)
            }
            return nil
        }
        return (limits("Max open files"), limits("Max processes"))
    }

    /// The `nofile` and `nproc` lines of a `limits.conf` file.
    public static func limitsRules(_ text: String, file: String) -> [LimitsRule] {
        var rules: [LimitsRule] = []
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.prefix(while: { $0 != "#" })
            let fields = line.split(whereSeparator: \.isWhitespace)
            guard fields.count >= 4, fields[2] == "nofile" || fields[2] == "nproc" else { continue }
            rules.append(
                LimitsRule(
                    file: file, domain: String(fields[0]), type: String(fields[1]), item: String(fields[2]),
                    value: String(fields[3])))
        }
        return rules
    }

    /// Kernel settings from `grep '' fs/file-max ...` run in `/proc/sys`: `vm/swappiness:60` is
    /// `vm.swappiness = "60"`; whitespace inside a value (`ip_local_port_range`'s tab) becomes one space.
    public static func sysctl(_ output: String) -> [String: String] {
        var settings: [String: String] = [:]
        for line in output.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let path = line[..<colon]
            guard !path.isEmpty, path.allSatisfy({ $0.isLetter || $0.isNumber || "/_-".contains($0) }) else {
                continue
            }
            let value = line[line.index(after: colon)...].split(whereSeparator: \.isWhitespace).joined(separator: " ")
            guard !value.isEmpty else { continue }
            settings[path.replacingOccurrences(of: "/", with: ".")] = value
        }
        return settings
    }

    /// Each CPU's governor from `grep '' /sys/devices/system/cpu/cpu*/cpufreq/scaling_governor`, in CPU order.
    /// - Parameters:
    ///   - status: grep's exit status: 0 found, 2 with no output means no CPU has cpufreq (the glob matched
    ///     nothing), which is a fact (`[]`), not an unknown.
    public static func cpuGovernors(_ output: String, status: Int32) -> [String]? {
        var governors: [(cpu: Int, governor: String)] = []
        for line in output.split(whereSeparator: \.isNewline) {
            guard let match = line.firstMatch(of: /\/cpu([0-9]+)\/cpufreq\/scaling_governor:\s*(\S+)/),
                let cpu = Int(match.1)
            else { continue }
            governors.append((cpu, String(match.2)))
        }
        if governors.isEmpty { return status == 2 || status == 1 ? [] : nil }
        return governors.sorted { $0.cpu < $1.cpu }.map(\.governor)
    }

    /// Listening TCP sockets (state `0A`) of `/proc/net/tcp` and `/proc/net/tcp6`, as sorted `address:port`.
    public static func listeningTCP(tcp: String?, tcp6: String?) -> [String]? {
        guard tcp != nil || tcp6 != nil else { return nil }
        var sockets = Set<String>()
        for (text, isIPv6) in [(tcp, false), (tcp6, true)] {
            guard let text else { continue }
            // Bytes, not Characters: the table holds every socket of the node (thousands on a busy one, a few
            // hundred KiB), and grapheme breaking was a quarter of the collector's CPU time; four fields are needed.
            for line in text.utf8.split(separator: UInt8(ascii: "\n")).dropFirst() {
                let fields = line.split(maxSplits: 4) { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
                guard fields.count >= 4, fields[3].elementsEqual("0A".utf8) else { continue }
                let local = fields[1].split(separator: UInt8(ascii: ":"))
                guard local.count == 2, let port = UInt16(Substring(local[1]), radix: 16),
                    let address = isIPv6 ? ipv6(Substring(local[0])) : ipv4(Substring(local[0]))
                else { continue }
                sockets.insert(isIPv6 ? "[\(address)]:\(port)" : "\(address):\(port)")
            }
        }
        return sockets.sorted()
    }

    /// `0100007F` (the kernel's host-order hex) is 127.0.0.1.
    static func ipv4(_ hex: Substring) -> String? {
        guard hex.count == 8, let word = UInt32(hex, radix: 16) else { return nil }
        let value = UInt32(littleEndian: word)
        return (0..<4).map { String((value >> (8 * $0)) & 0xff) }.joined(separator: ".")
    }

    /// 32 hex digits, four host-order words, as a compressed IPv6 address (`::`, `::1`, `::ffff:127.0.0.1`).
    static func ipv6(_ hex: Substring) -> String? {
        guard hex.count == 32 else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        for _ in 0..<4 {
            let end = hex.index(index, offsetBy: 8)
            guard let word = UInt32(hex[index..<end], radix: 16) else { return nil }
            let value = UInt32(littleEndian: word)
            bytes += (0..<4).map { UInt8((value >> (8 * $0)) & 0xff) }
            index = end
        }
        var address = in6_addr()
        withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The time zone from `timedatectl status` (`Time zone: Asia/Shanghai (CST, +0800)`), else the
    /// `/etc/localtime` link (`/usr/share/zoneinfo/Asia/Shanghai`), else `/etc/timezone`, else CentOS 6's
    /// `/etc/sysconfig/clock` (`ZONE=`).
    public static func timezone(
        timedatectl: String?, localtimeLink: String?, timezoneFile: String?, sysconfigClock: String?
    ) -> String? {
        func valid(_ zone: some StringProtocol) -> String? {
            let zone = zone.trimmingCharacters(in: .whitespacesAndNewlines)
            return !zone.isEmpty && zone != "n/a" && !zone.contains(" ") ? zone : nil
        }
        for line in (timedatectl ?? "").split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("Time zone:") else { continue }
            let value = trimmed.dropFirst("Time zone:".count).trimmingCharacters(in: .whitespaces)
            if let zone = value.split(separator: " ").first.flatMap(valid) { return zone }
        }
        if let link = localtimeLink?.trimmingCharacters(in: .whitespacesAndNewlines),
            let range = link.range(of: "zoneinfo/"), let zone = valid(link[range.upperBound...])
        {
            return zone.hasPrefix("posix/") || zone.hasPrefix("right/") ? String(zone.dropFirst(6)) : zone
        }
        if let line = timezoneFile?.split(whereSeparator: \.isNewline).first, let zone = valid(line) {
            return zone
        }
        if let sysconfigClock, let zone = osRelease(sysconfigClock)["ZONE"].flatMap(valid) {
            return zone
        }
        return nil
    }

    /// The active firewall: `firewalld` when its unit is active, `ufw` when `/etc/ufw/ufw.conf` says `ENABLED=yes`,
    /// `iptables` or `nftables` when their ruleset (readable by root only) holds a rule, else `none`.
    public static func firewall(
        firewalldActive: String?, ufwConfig: String?, iptablesRules: String?, nftRuleset: String?
    ) -> String {
        if firewalldActive?.trimmingCharacters(in: .whitespacesAndNewlines) == "active" { return "firewalld" }
        if let ufwConfig, osRelease(ufwConfig)["ENABLED"]?.lowercased() == "yes" { return "ufw" }
        if let iptablesRules {
            // `-P INPUT ACCEPT` lines are the empty ruleset's policies; a DROP policy or any `-A` rule filters.
            let filtering = iptablesRules.split(whereSeparator: \.isNewline).contains { line in
                line.hasPrefix("-A ") || (line.hasPrefix("-P ") && !line.hasSuffix(" ACCEPT"))
            }
            if filtering { return "iptables" }
        }
        if let nftRuleset {
            let hasRule = nftRuleset.split(whereSeparator: \.isNewline).contains { line in
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                return !trimmed.isEmpty && !trimmed.hasPrefix("table ") && !trimmed.hasPrefix("chain ")
                    && !trimmed.hasPrefix("type ") && trimmed != "}" && !trimmed.hasPrefix("#")
            }
            if hasRule { return "nftables" }
        }
        return "none"
    }

    /// File systems that hold no data of anyone's: left out of the mounts.
    static let pseudoFileSystems: Set<String> = [
        "proc", "sysfs", "cgroup", "cgroup2", "devpts", "mqueue", "securityfs", "debugfs", "tracefs", "pstore",
        "bpf", "configfs", "fusectl", "hugetlbfs", "autofs", "binfmt_misc", "selinuxfs", "rpc_pipefs", "nsfs",
        "efivarfs", "ramfs", "devtmpfs",
    ]

    /// Mounts from `/proc/mounts` (octal escapes such as `\040` undone), with sizes from `df -P -k` where it lists
    /// the mount point; a mount point mounted twice is listed once, as the later (visible) mount.
    public static func mounts(procMounts: String, df: String?) -> [Mount] {
        var space: [String: (size: Int64, free: Int64)] = [:]
        for line in (df ?? "").split(whereSeparator: \.isNewline).dropFirst() {
            let fields = line.split(whereSeparator: \.isWhitespace)
            guard fields.count >= 6, fields[4].hasSuffix("%"),
                let size = Int64(fields[1]).flatMap(kibibytes), let free = Int64(fields[3]).flatMap(kibibytes)
            else { continue }
            space[fields[5...].joined(separator: " ")] = (size, free)
        }
        var mounts: [Mount] = []
        var index: [String: Int] = [:]
        for line in procMounts.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: " ")
            guard fields.count >= 4, !pseudoFileSystems.contains(String(fields[2])) else { continue }
            let mountPoint = unescapeMountField(fields[1])
            let sizes = space[mountPoint]
            let mount = Mount(
                mountPoint: mountPoint, device: unescapeMountField(fields[0]), fsType: String(fields[2]),
                options: String(fields[3]), sizeBytes: sizes?.size, freeBytes: sizes?.free)
            if let existing = index[mountPoint] {
                mounts[existing] = mount
            } else {
                index[mountPoint] = mounts.count
                mounts.append(mount)
            }
        }
        return mounts
    }

    /// Bytes from a count of KiB, or nil when out of range.
    static func kibibytes(_ count: Int64) -> Int64? {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: 1024)
        return overflow || count < 0 ? nil : bytes
    }

    /// `/data\040disk` is `/data disk`.
    static func unescapeMountField(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var bytes: [UInt8] = []
        var utf8 = Array(field.utf8)[...]
        while let byte = utf8.first {
            if byte == UInt8(ascii: "\\"), utf8.count >= 4,
                let value = UInt8(String(decoding: utf8.dropFirst().prefix(3), as: UTF8.self), radix: 8)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(4)
            } else {
                bytes.append(byte)
                utf8 = utf8.dropFirst()
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
