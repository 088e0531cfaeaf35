import Foundation
import Testing

@testable import CheckDomain

/// The items that judge one node's settings as TiUP, obd, kubeadm and gpcheck do: limits, kernel settings, CPU
/// governor, firewall, clock offset, data directory, NUMA and irqbalance, and SELinux now and after a reboot. Each:
/// pass, fail, warn where it has one, an unknown fact, and a fact absent by nature.
@Suite struct NodeSettingsCheckTests {
    /// What one item says about one node (id 1, host 10.1.1.1, name n1) with these facts, as the only member.
    func findings(
        _ name: String, _ facts: NodeFacts, language: Language = .chinese, policy: Policy = Policy()
    ) throws -> [NodeFailure] {
        let item = try #require(policy.item(named: name))
        let node = Node(id: NodeID(1), name: "n1", host: "10.1.1.1", facts: facts)
        let proposal = ClusterProposal(
            name: "c", members: [Member(nodeID: BigInteger(1), name: "m1", host: "10.1.1.1", port: BigInteger(5432))])
        let context = RequestContext(
            proposal: proposal, reader: FixedInventory(nodes: [node]), language: language,
            facts: FactSet(item.facts))
        let found = try item.failures(in: context)
        try #require(found.count <= 1)
        return found
    }

    /// Facts with only these set.
    static func facts(_ set: (inout NodeFacts) -> Void) -> NodeFacts {
        var facts = NodeFacts()
        set(&facts)
        return facts
    }

    // MARK: - check_ulimit

    static func limits(_ nofile: (Int64, Int64), _ nproc: (Int64, Int64)) -> NodeFacts {
        facts {
            $0.nofileSoft = .limited(nofile.0)
            $0.nofileHard = .limited(nofile.1)
            $0.nprocSoft = .limited(nproc.0)
            $0.nprocHard = .limited(nproc.1)
        }
    }

    @Test(arguments: [
        (Int64(1_048_576), Int64(1_048_576), Int64(4096), Int64(4096), CheckLevel?.none),
        (1_000_000, 1_000_000, 100_000, 100_000, nil),
        (65535, 65535, 4096, 31206, .warn), (65535, 1_048_576, 4096, 4096, .warn),
        (1024, 1_048_576, 15595, 15595, .fail), (1_048_576, 1_048_576, 4095, 4096, .fail),
        (1_048_576, 1_048_576, 1024, 1024, .fail),
    ])
    func ulimit(nofileSoft: Int64, nofileHard: Int64, nprocSoft: Int64, nprocHard: Int64, level: CheckLevel?) throws {
        let found = try findings("check_ulimit", Self.limits((nofileSoft, nofileHard), (nprocSoft, nprocHard)))
        #expect(found.first?.level == level)
    }

    @Test func ulimitMessagesNameEachLimitAndTheFixRaisesOnlyWhatIsLow() throws {
        let low = try findings("check_ulimit", Self.limits((1024, 1_048_576), (15595, 15595)))
        #expect(low.map(\.message) == ["10.1.1.1 资源限制不足: nofile 软限制为 1024, 至少需要 65535"])
        #expect(low.first?.expected == "nofile >= 65535, nproc >= 4096")
        #expect(low.first?.actual == "nofile 1024/1048576, nproc 15595/15595 (soft/hard)")
        // The soft limit is raised to the recommended value, the hard one kept (it is higher), for root too.
        #expect(
            low.first?.fix
                == #"printf '* soft nofile 1000000\n* hard nofile 1048576\nroot soft nofile 1000000\nroot hard nofile 1048576\n' > /etc/security/limits.d/99-fcgi-check-nofile.conf"#
        )
        let both = try findings("check_ulimit", Self.limits((1024, 4096), (1024, 2048)), language: .english)
        #expect(
            both.first?.message
                == "10.1.1.1 soft nofile is 1024, at least 65535 needed; hard nofile is 4096, at least 65535 needed; "
                + "soft nproc is 1024, at least 4096 needed; hard nproc is 2048, at least 4096 needed")
        #expect(
            both.first?.fix
                == #"printf '* soft nofile 1000000\n* hard nofile 1000000\nroot soft nofile 1000000\nroot hard nofile 1000000\n' > /etc/security/limits.d/99-fcgi-check-nofile.conf && printf '* soft nproc 4096\n* hard nproc 4096\nroot soft nproc 4096\nroot hard nproc 4096\n' > /etc/security/limits.d/99-fcgi-check-nproc.conf"#
        )
        let warned = try findings("check_ulimit", Self.limits((65535, 65535), (4096, 4096)), language: .english)
        #expect(
            warned.first?.message
                == "10.1.1.1 soft nofile is 65535, 1000000 recommended; hard nofile is 65535, 1000000 recommended")
        #expect(warned.first?.expected == "nofile >= 1000000")
    }

    @Test func ulimitUnlimitedIsAFactAndAnUnknownLimitIsListed() throws {
        let unlimited = Self.facts {
            $0.nofileSoft = .limited(1_048_576)
            $0.nofileHard = .limited(1_048_576)
            $0.nprocSoft = .unlimited
            $0.nprocHard = .unlimited
        }
        #expect(try findings("check_ulimit", unlimited).isEmpty)
        // A fix never lowers a limit: an unlimited hard nproc stays unlimited while the soft one is raised.
        var lowSoft = unlimited
        lowSoft.nprocSoft = .limited(1024)
        #expect(
            try findings("check_ulimit", lowSoft).first?.fix
                == #"printf '* soft nproc 4096\n* hard nproc unlimited\nroot soft nproc 4096\nroot hard nproc unlimited\n' > /etc/security/limits.d/99-fcgi-check-nproc.conf"#
        )
        var partial = unlimited
        partial.nprocHard = nil
        let unknown = try findings("check_ulimit", partial)
        #expect(unknown.map(\.message) == ["10.1.1.1 nofile/nproc 限制未知"] && unknown.first?.level == .fail)
        #expect(
            try findings("check_ulimit", NodeFacts(), language: .english).first?.message
                == "10.1.1.1 nofile/nproc limits is unknown")
    }

    // MARK: - check_sysctl

    static let goodSettings = [
        "fs.file-max": "9223372036854775807", "fs.aio-max-nr": "1048576", "vm.swappiness": "0",
        "vm.overcommit_memory": "1", "vm.max_map_count": "262144", "net.core.somaxconn": "32768",
    ]

    static func settings(_ changes: [String: String?]) -> NodeFacts {
        var settings = goodSettings
        for (name, value) in changes { settings[name] = value }
        return facts { $0.sysctl = settings }
    }

    @Test func sysctlPassesTheDefaultsAndListsEveryBrokenRuleAtTheWorstLevel() throws {
        #expect(try findings("check_sysctl", Self.settings([:])).isEmpty)
        let warned = try findings("check_sysctl", Self.settings(["fs.aio-max-nr": "65536"]))
        #expect(warned.map(\.level) == [.warn])
        #expect(warned.first?.message == "10.1.1.1 内核参数不符合要求: fs.aio-max-nr 为 65536, 要求 >= 1048576")
        #expect(
            warned.first?.fix
                == "sysctl -w fs.aio-max-nr=1048576 && printf 'fs.aio-max-nr = 1048576\\n' > /etc/sysctl.d/99-fcgi-check-fs.aio-max-nr.conf"
        )
        let failed = try findings(
            "check_sysctl",
            Self.settings(["fs.aio-max-nr": "65536", "vm.swappiness": "60", "vm.overcommit_memory": "2"]),
            language: .english)
        #expect(failed.map(\.level) == [.fail])
        #expect(
            failed.first?.message
                == "10.1.1.1 kernel settings: fs.aio-max-nr is 65536, expected >= 1048576; vm.overcommit_memory is 2, "
                + "expected 0 | 1; vm.swappiness is 60, expected <= 1")
        #expect(
            failed.first?.expected == "fs.aio-max-nr >= 1048576, vm.overcommit_memory 0 | 1, vm.swappiness <= 1")
        #expect(failed.first?.actual == "fs.aio-max-nr = 65536, vm.overcommit_memory = 2, vm.swappiness = 60")
        #expect(failed.first?.fix?.contains("sysctl -w vm.overcommit_memory=0 && ") == true)
        #expect(failed.first?.fix?.contains("sysctl -w vm.swappiness=1 && ") == true)
    }

    @Test func sysctlValuesBeyondInt64AreCompared() throws {
        // An unsigned long at its maximum is above every minimum and breaks every maximum.
        #expect(try findings("check_sysctl", Self.settings(["fs.file-max": "18446744073709551615"])).isEmpty)
        let huge = try findings("check_sysctl", Self.settings(["vm.swappiness": "18446744073709551615"]))
        #expect(huge.first?.actual == "vm.swappiness = 18446744073709551615")
        #expect(try findings("check_sysctl", Self.settings(["vm.swappiness": "-5"])).isEmpty)
    }

    @Test func sysctlUnknownSettingsAreListedNeverAWarning() throws {
        #expect(try findings("check_sysctl", NodeFacts()).map(\.message) == ["10.1.1.1 内核参数未知"])
        // The warn rule's setting is unknown: unknown is never a mere warning.
        let missing = try findings("check_sysctl", Self.settings(["fs.aio-max-nr": nil]), language: .english)
        #expect(missing.map(\.level) == [.fail])
        #expect(missing.first?.message == "10.1.1.1 kernel settings: fs.aio-max-nr is unknown")
        #expect(missing.first?.actual == "fs.aio-max-nr = unknown" && missing.first?.fix == nil)
        let garbled = try findings("check_sysctl", Self.settings(["vm.swappiness": "sixty"]))
        #expect(garbled.first?.actual == "vm.swappiness = sixty" && garbled.first?.level == .fail)
    }

    @Test func sysctlRulesFromThePolicyAddRemoveAndChange() throws {
        let policy = try Policy.parse(
            """
            [check_sysctl.rules]
            "vm.swappiness" = false
            "fs.file-max" = { min = 2000000, level = "warn" }
            net.ipv4.tcp_syncookies = { one_of = [1] }
            vm.dirty_ratio = { min = 5, max = 20 }
            """, file: "p.toml")
        let rules = policy.item(SysctlCheck.self).rules
        #expect(
            rules.map(\.name) == [
                "fs.aio-max-nr", "fs.file-max", "net.core.somaxconn", "net.ipv4.tcp_syncookies", "vm.dirty_ratio",
                "vm.max_map_count", "vm.overcommit_memory",
            ])
        var settings = Self.goodSettings
        settings["vm.swappiness"] = "60"
        settings["fs.file-max"] = "1500000"
        settings["net.ipv4.tcp_syncookies"] = "1"
        settings["vm.dirty_ratio"] = "40"
        let found = try findings("check_sysctl", Self.facts { $0.sysctl = settings }, policy: policy)
        #expect(found.first?.expected == "fs.file-max >= 2000000, vm.dirty_ratio >= 5, <= 20", "\(found)")
        #expect(found.first?.level == .fail)
        #expect(found.first?.fix?.contains("sysctl -w vm.dirty_ratio=20 ") == true)
        let thresholds = try #require(policy.item(named: "check_sysctl")?.thresholds.first?.value)
        guard case .object(let shown) = thresholds else {
            Issue.record("\(thresholds)")
            return
        }
        #expect(
            shown["vm.dirty_ratio"]
                == .object(JSONObject([("min", .int(5)), ("max", .int(20)), ("level", .string("fail"))])))
        #expect(shown["vm.swappiness"] == nil)
    }

    // MARK: - check_cpu_governor

    @Test(arguments: [
        (["performance", "performance"], CheckLevel?.none), (["powersave", "powersave"], .fail),
        (["performance", "ondemand"], .fail), (["PERFORMANCE"], nil),
    ])
    func cpuGovernor(governors: [String], level: CheckLevel?) throws {
        let found = try findings("check_cpu_governor", Self.facts { $0.cpuGovernors = governors })
        #expect(found.first?.level == level)
        if level != nil {
            #expect(
                found.first?.fix
                    == #"for g in /sys/devices/system/cpu/cpu[0-9]*/cpufreq/scaling_governor; do echo performance > "$g"; done"#
            )
        }
    }

    @Test func cpuGovernorMessagesCountTheCPUs() throws {
        let mixed = Self.facts { $0.cpuGovernors = ["performance", "powersave", "powersave", "ondemand"] }
        let found = try findings("check_cpu_governor", mixed)
        #expect(
            found.first?.message == "10.1.1.1 CPU 调频策略为 powersave (2/4 个 CPU), ondemand (1/4 个 CPU), 应为 performance")
        #expect(found.first?.actual == "powersave (2/4), ondemand (1/4)")
        let english = try findings("check_cpu_governor", mixed, language: .english)
        #expect(
            english.first?.message
                == "10.1.1.1 CPU governor is powersave on 2 of 4 CPUs, ondemand on 1 of 4 CPUs, expected performance")
    }

    @Test func noCPUFreqPassesByDefaultAndWarnsWhenThePolicySaysSo() throws {
        let virtual = Self.facts { $0.cpuGovernors = [] }
        #expect(try findings("check_cpu_governor", virtual).isEmpty)
        let policy = try Policy.parse("[check_cpu_governor]\nwithout_cpufreq = \"warn\"", file: "p.toml")
        let noted = try findings("check_cpu_governor", virtual, language: .english, policy: policy)
        #expect(noted.map(\.level) == [.warn] && noted.first?.actual == "no cpufreq")
        #expect(noted.first?.message == "10.1.1.1 has no cpufreq (common on VMs): its CPU governor cannot be set")
        // Unknown (the governors could not be read at all) is not "no cpufreq": it is listed.
        let unknown = try findings("check_cpu_governor", NodeFacts())
        #expect(unknown.map(\.message) == ["10.1.1.1 CPU 调频策略未知"] && unknown.first?.level == .fail)
    }

    // MARK: - check_firewall

    @Test(arguments: [
        ("none", CheckLevel?.none, String?.none), ("firewalld", .warn, "systemctl disable --now firewalld"),
        ("ufw", .warn, "ufw disable"), ("iptables", .warn, nil), ("nftables", .warn, nil),
    ])
    func firewall(firewall: String, level: CheckLevel?, fix: String?) throws {
        let found = try findings("check_firewall", Self.facts { $0.firewall = firewall })
        #expect(found.first?.level == level && found.first?.fix == fix)
        if level != nil { #expect(found.first?.message == "10.1.1.1 防火墙 \(firewall) 处于启用状态") }
    }

    @Test func firewallUnknownFailsAndThePolicyMayFailAnActiveOne() throws {
        let unknown = try findings("check_firewall", NodeFacts(), language: .english)
        #expect(unknown.map(\.message) == ["10.1.1.1 firewall state is unknown"] && unknown.first?.level == .fail)
        let policy = try Policy.parse("[check_firewall]\nlevel = \"fail\"", file: "p.toml")
        #expect(
            try findings("check_firewall", Self.facts { $0.firewall = "ufw" }, policy: policy).map(\.level) == [.fail])
    }

    // MARK: - check_clock_offset

    @Test(arguments: [
        (0.0003, 0.0005, CheckLevel?.none), (-0.05, 0.01, nil), (0.095, 0.005, nil), (0.095, 0.006, .warn),
        (-0.3, 0.002, .warn), (0.49, 0.01, .warn), (0.49, 0.011, .fail), (-0.82, 0.004, .fail), (86400, 0.1, .fail),
        // Whole seconds only (BusyBox's date): ±0.5 s cannot show a clock within 500 ms.
        (0.45, 0.55, .fail),
    ])
    func clockOffset(offset: Double, error: Double, level: CheckLevel?) throws {
        let found = try findings(
            "check_clock_offset",
            Self.facts {
                $0.clockOffsetSeconds = offset
                $0.clockOffsetErrorSeconds = error
            })
        #expect(found.first?.level == level)
    }

    @Test func clockOffsetMessagesAndUnknowns() throws {
        let late = Self.facts {
            $0.clockOffsetSeconds = -0.82
            $0.clockOffsetErrorSeconds = 0.0042
        }
        let found = try findings("check_clock_offset", late)
        #expect(found.first?.message == "10.1.1.1 时钟与采集机相差 -820 ms (误差 ±4 ms), 上限 500 ms")
        #expect(found.first?.expected == "<= 500 ms" && found.first?.actual == "-820 ms ± 4 ms")
        let english = try findings("check_clock_offset", late, language: .english)
        #expect(
            english.first?.message == "10.1.1.1 clock is -820 ms off the collector's (± 4 ms), over the 500 ms limit")
        // No exchange (a dump stored with --raw), or a bound without an offset: unknown.
        for facts in [
            NodeFacts(), Self.facts { $0.clockOffsetErrorSeconds = 0.1 },
            Self.facts {
                $0.clockOffsetSeconds = .nan
                $0.clockOffsetErrorSeconds = 0.1
            },
        ] {
            #expect(try findings("check_clock_offset", facts).map(\.message) == ["10.1.1.1 时钟偏差未知"])
        }
    }

    // MARK: - check_data_dir

    static func mounts(_ mounts: [Mount]) -> NodeFacts { facts { $0.mounts = mounts } }

    static let root = Mount(
        mountPoint: "/", device: "/dev/vda1", fsType: "ext4", options: "rw,relatime", sizeBytes: 40 << 30,
        freeBytes: 31 << 30)
    static let data = Mount(
        mountPoint: "/data", device: "/dev/sdb1", fsType: "xfs", options: "rw,noatime,attr2", sizeBytes: 2 << 40,
        freeBytes: 1 << 40)

    @Test func dataDirJudgesTheMountThatHoldsIt() throws {
        #expect(try findings("check_data_dir", Self.mounts([Self.root, Self.data])).isEmpty)
        // `/data2` is not under `/data`: the root holds it.
        let policy = try Policy.parse("[check_data_dir]\ndata_dir = \"/data2/pg/\"", file: "p.toml")
        let found = try findings("check_data_dir", Self.mounts([Self.root, Self.data]), policy: policy)
        #expect(
            found.first?.message
                == "10.1.1.1 数据目录 /data2/pg 所在挂载点 / (ext4): 可用空间为 31.0 GiB, 至少需要 100.0 GiB; 挂载选项缺少 noatime")
        #expect(found.first?.level == .fail && found.first?.fix == "mount -o remount,noatime /")
        #expect(found.first?.expected == "xfs | ext4, free >= 100.0 GiB")
        #expect(found.first?.actual == "/ ext4 rw,relatime, free 31.0 GiB")
        #expect(DataDirCheck.mount(holding: "/data/pg", in: [Self.root, Self.data])?.mountPoint == "/data")
        #expect(DataDirCheck.mount(holding: "/data", in: [Self.data, Self.root])?.mountPoint == "/data")
    }

    /// Mount options are words between commas, compared whole, byte by byte when ASCII and as characters otherwise.
    @Test func mountOptionsAreWholeWordsBetweenCommas() {
        let cases: [(String, String, Bool)] = [
            ("rw,noatime", "noatime", true), ("noatime", "noatime", true), ("rw,noatime,", "noatime", true),
            (",,noatime,,", "noatime", true), ("rw,relatime", "noatime", false), ("rw,noatimes", "noatime", false),
            ("rw,xnoatime", "noatime", false), ("", "noatime", false), ("rw,,", "", false), ("noatime", "atime", false),
            ("rw,café", "café", true), ("rw,cafe\u{301}", "café", true), ("rw,café", "cafe", false),
        ]
        for (options, option, held) in cases {
            #expect(DataDirCheck.options(options, hold: option) == held, "\(options) holds \(option)")
            #expect(options.split(separator: ",").contains { $0 == option } == held, "\(options) as characters")
        }
    }

    @Test func dataDirWarnsForAMissingOptionAndFailsForAFileSystemOrSpace() throws {
        var relatime = Self.data
        relatime.options = "rw,relatime"
        let warned = try findings("check_data_dir", Self.mounts([Self.root, relatime]), language: .english)
        #expect(warned.map(\.level) == [.warn] && warned.first?.expected == "noatime")
        #expect(warned.first?.message == "10.1.1.1 data_dir /data is on /data (xfs): its mount options lack noatime")
        #expect(warned.first?.fix == "mount -o remount,noatime /data")
        var nfs = Self.data
        nfs.fsType = "nfs4"
        let wrongType = try findings("check_data_dir", Self.mounts([Self.root, nfs]), language: .english)
        #expect(wrongType.map(\.level) == [.fail] && wrongType.first?.fix == nil)
        #expect(
            wrongType.first?.message
                == "10.1.1.1 data_dir /data is on /data (nfs4): its file system is nfs4, expected xfs or ext4")
        var full = Self.data
        full.freeBytes = 99 << 30
        #expect(try findings("check_data_dir", Self.mounts([Self.root, full])).map(\.level) == [.fail])
    }

    @Test func dataDirUnknowns() throws {
        #expect(try findings("check_data_dir", NodeFacts()).map(\.message) == ["10.1.1.1 数据目录 /data 所在挂载点未知"])
        // No mount holds it (a hand-edited inventory without `/`).
        let orphan = Mount(mountPoint: "/srv", device: "/dev/sdc", fsType: "xfs", options: "rw,noatime")
        #expect(try findings("check_data_dir", Self.mounts([orphan])).map(\.level) == [.fail])
        var unsized = Self.data
        unsized.freeBytes = nil
        let found = try findings("check_data_dir", Self.mounts([Self.root, unsized]), language: .english)
        #expect(found.first?.message == "10.1.1.1 data_dir /data is on /data (xfs): its free space is unknown")
        #expect(found.first?.level == .fail && found.first?.actual == "/data xfs rw,noatime,attr2, free unknown")
    }

    /// The texts made of the settings when they are set (not once per request) follow every one of them.
    @Test func dataDirTextsFollowEverySetting() throws {
        let policy = try Policy.parse(
            """
            [check_data_dir]
            data_dir = "/pg"
            file_systems = ["xfs"]
            mount_options = ["noatime", "nodiratime"]
            minimum_free_gib = 2000
            """, file: "p.toml")
        let unknown = try findings("check_data_dir", NodeFacts(), policy: policy)
        #expect(unknown.first?.message == "10.1.1.1 数据目录 /pg 所在挂载点未知")
        #expect(unknown.first?.expected == "xfs, free >= 2000.0 GiB")
        var roomy = Self.data
        roomy.mountPoint = "/pg"
        roomy.freeBytes = 3000 << 30
        roomy.options = "rw,noatime"
        let warned = try findings("check_data_dir", Self.mounts([Self.root, roomy]), policy: policy)
        #expect(warned.first?.level == .warn && warned.first?.expected == "noatime,nodiratime")
        let full = try findings("check_data_dir", Self.mounts([Self.root, Self.data]), policy: policy)
        #expect(full.first?.level == .fail && full.first?.expected == "xfs, free >= 2000.0 GiB")
        #expect(full.first?.message.contains("至少需要 2000.0 GiB") == true)
    }

    @Test func dataDirFixQuotesAMountPointFromTheNode() {
        #expect(
            DataDirCheck.remount("/mnt/usb disk", adding: ["noatime"]) == "mount -o remount,noatime '/mnt/usb disk'")
        #expect(
            DataDirCheck.remount("/x'; rm -rf /; '", adding: ["noatime", "nodiratime"])
                == #"mount -o remount,noatime,nodiratime '/x'\''; rm -rf /; '\'''"#)
        #expect(DataDirCheck.remount("/x\nreboot", adding: ["noatime"]) == nil)
    }

    // MARK: - check_numa_irqbalance

    @Test(arguments: [
        (1, Bool?.some(false), CheckLevel?.none), (1, nil, nil), (2, true, nil), (2, false, .warn), (4, false, .warn),
    ])
    func numaIrqbalance(numaNodes: Int, running: Bool?, level: CheckLevel?) throws {
        let found = try findings(
            "check_numa_irqbalance",
            Self.facts {
                $0.numaNodes = numaNodes
                $0.irqbalanceRunning = running
            })
        #expect(found.first?.level == level)
        if level != nil {
            #expect(found.first?.message == "10.1.1.1 有 \(numaNodes) 个 NUMA 节点, 但 irqbalance 未运行")
            #expect(found.first?.fix == "systemctl enable --now irqbalance")
        }
    }

    @Test func numaIrqbalanceUnknowns() throws {
        #expect(try findings("check_numa_irqbalance", NodeFacts()).map(\.message) == ["10.1.1.1 NUMA 节点数未知"])
        let noState = try findings("check_numa_irqbalance", Self.facts { $0.numaNodes = 2 }, language: .english)
        #expect(noState.map(\.message) == ["10.1.1.1 irqbalance state is unknown"] && noState.first?.level == .fail)
    }

    // MARK: - check_selinux, now and after a reboot

    @Test(arguments: [
        ("disabled", "disabled", CheckLevel?.none), ("disabled", "permissive", .warn),
        ("permissive", "disabled", .warn),
        ("disabled", "enforcing", .fail), ("enforcing", "disabled", .fail), ("permissive", "permissive", .warn),
    ])
    func selinuxNowAndAfterAReboot(running: String, configured: String, level: CheckLevel?) throws {
        let facts = Self.facts {
            $0.selinuxMode = running
            $0.selinuxConfigMode = configured
        }
        let found = try findings("check_selinux", facts)
        #expect(found.first?.level == level)
        if level != nil && running != configured {
            #expect(
                found.first?.message
                    == "10.1.1.1 SELinux 当前为 \(running), 重启后 (/etc/selinux/config) 为 \(configured), 应为 disabled")
            #expect(found.first?.actual == "\(running), \(configured) after a reboot")
        }
    }

    @Test func selinuxConfigUnknownIsListed() throws {
        let found = try findings("check_selinux", NodeFacts(selinuxMode: "disabled"), language: .english)
        #expect(found.map(\.message) == ["10.1.1.1 SELinux mode in /etc/selinux/config is unknown"])
        #expect(found.first?.level == .fail && found.first?.actual == "disabled")
    }

    // MARK: - What fixes and messages are made of

    @Test(arguments: [
        ("/data", "/data"), ("/mnt/usb disk", "'/mnt/usb disk'"), ("it's", #"'it'\''s'"#), ("", "''"),
        ("$(reboot)", "'$(reboot)'"), ("a;b", "'a;b'"), ("/数据", "'/数据'"),
    ])
    func shellWordsAreQuotedWhenTheyNeedIt(text: String, quoted: String) {
        #expect(ShellWord.quoted(text) == quoted)
    }

    @Test func aShellWordWithAControlCharacterIsRefused() {
        for text in ["a\nb", "a\rb", "a\u{0}b", "a\u{1B}[31m"] { #expect(ShellWord.quoted(text) == nil) }
    }

    @Test func sizesInGiBRoundAsPrintfDoes() {
        for bytes in stride(from: Int64(1) << 30, to: Int64(1) << 40, by: 7_919_999_999) + [
            Int64(3_973_316_608), 2_147_479_552, 1 << 40, Int64.max,
        ] {
            #expect(ByteSize.text(bytes) == String(format: "%.1f GiB", Double(bytes) / Double(1 << 30)), "\(bytes)")
        }
        #expect(ByteSize.text(512 << 20) == "512 MiB")
    }
}
