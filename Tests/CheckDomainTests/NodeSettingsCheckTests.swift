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
        let context = RequestContext(proposal: proposal, reader: FixedInventory(nodes: [node]), language: language)
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
        // The hard limit is high enough: only the soft one is raised (to the recommended value), for root too.
        #expect(
            low.first?.fix
                == #"printf '* soft nofile 1000000\nroot soft nofile 1000000\n' > /etc/security/limits.d/99-fcgi-check-nofile.conf"#
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
