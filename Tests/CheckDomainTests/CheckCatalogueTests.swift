import Foundation
import Testing

@testable import CheckDomain

/// Every check item of the catalogue: pass, fail, warn where it has one, and an unknown fact.
@Suite struct CheckCatalogueTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let policy = Policy()

    /// What one item says about one node (id 1, host 10.1.1.1) with these facts, as the only member.
    func findings(
        _ name: String,
        _ facts: NodeFacts,
        language: Language = .chinese,
        policy: Policy = CheckCatalogueTests.policy
    ) throws -> [NodeFailure] {
        let item = try #require(policy.item(named: name))
        let node = Node(id: NodeID(1), name: "n1", host: "10.1.1.1", facts: facts)
        let proposal = ClusterProposal(
            name: "c", members: [Member(nodeID: BigInteger(1), name: "m1", host: "10.1.1.1", port: BigInteger(5432))])
        let context = RequestContext(
            proposal: proposal, reader: FixedInventory(nodes: [node]), language: language, now: Self.now,
            facts: FactSet(item.facts))
        return try item.failures(in: context)
    }

    /// nil when the node passes, else its level and message.
    func outcome(_ name: String, _ facts: NodeFacts, language: Language = .chinese) throws -> (
        level: CheckLevel, message: String
    )? {
        let found = try findings(name, facts, language: language)
        try #require(found.count <= 1)
        return found.first.map { ($0.level, $0.message) }
    }

    @Test func theDefaultCatalogueHasEveryItemInOrderWithTheReferenceTwoFirst() {
        let names = Policy().registry().names
        #expect(names == Policy.catalogue)
        #expect(Array(names.prefix(2)) == ["check_os_version", "check_systemd_version"])
        #expect(
            names == [
                "check_os_version", "check_systemd_version", "check_kernel_version", "check_cpu_count", "check_memory",
                "check_swap", "check_transparent_hugepages", "check_selinux", "check_clock_sync",
                "check_facts_freshness", "check_member_port", "check_member_host", "check_os_family", "check_ulimit",
                "check_sysctl", "check_cpu_governor", "check_port_in_use", "check_firewall", "check_timezone",
                "check_clock_offset", "check_data_dir", "check_hostname", "check_kernel_uniform",
                "check_numa_irqbalance",
            ])
        #expect(Set(names).count == names.count)
        for name in Policy.catalogue {
            let item = Policy().item(named: name)
            #expect(item?.name == name)
            #expect(item?.thresholds.isEmpty == false, "\(name) has no threshold")
            #expect(
                item?.description(in: .english) != item?.description(in: .chinese), "\(name) has no English description"
            )
        }
    }

    /// The README's catalogue table has a row for every item, naming each of its policy keys.
    @Test func theReadmeTableListsEveryItemAndItsKeys() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let rows = try String(contentsOf: readme, encoding: .utf8).split(separator: "\n").filter {
            $0.hasPrefix("| `check_")
        }
        for name in Policy.catalogue {
            let row = try #require(rows.first { $0.hasPrefix("| `\(name)` |") }, "no README row for \(name)")
            for threshold in try #require(Policy().item(named: name)).thresholds {
                #expect(row.contains("`\(threshold.key)`"), "README row of \(name) lacks \(threshold.key)")
            }
        }
    }

    @Test(arguments: [
        ("centos", "7.1", CheckLevel?.some(.fail)), ("centos", "7.2", nil), ("centos", "7.9.2009", nil),
        ("ubuntu", "16.04", .fail), ("ubuntu", "18.04", nil), ("ubuntu", "22.04", nil), ("debian", "9", .fail),
        ("debian", "12", nil), ("kylin", "V10", nil), ("rocky", "7.9", .fail), ("rocky", "9.3", nil),
        ("somethingelse", "7.1", .fail), ("somethingelse", "7.2", nil),
    ])
    func osVersionPerOSID(id: String, version: String, level: CheckLevel?) throws {
        let result = try outcome("check_os_version", NodeFacts(osID: id, osVersion: version))
        #expect(result?.level == level)
        if level != nil { #expect(result?.message == "10.1.1.1 操作系统版本过低, 当前系统版本为 \(version)") }
    }

    @Test func osVersionUnknownIsListed() throws {
        let none = try findings("check_os_version", NodeFacts(osID: "centos"))
        #expect(none.map(\.message) == ["10.1.1.1 操作系统版本未知"])
        #expect(none.first?.level == .fail && none.first?.actual == nil && none.first?.expected == ">= 7.2")
        let garbled = try findings("check_os_version", NodeFacts(osID: "centos", osVersion: "seven"))
        #expect(garbled.first?.actual == "seven")
        let english = try outcome("check_os_version", NodeFacts(), language: .english)
        #expect(english?.message == "10.1.1.1 OS version is unknown")
    }

    @Test(arguments: [(213, CheckLevel?.some(.fail)), (214, nil), (219, nil), (231, .fail), (232, nil)])
    func systemd(version: Int, level: CheckLevel?) throws {
        let result = try outcome("check_systemd_version", NodeFacts(systemdVersion: version))
        #expect(result?.level == level)
        #expect(try outcome("check_systemd_version", NodeFacts())?.message == "10.1.1.1 systemd 版本未知")
    }

    @Test(arguments: [
        ("3.10.0-1160.el7.x86_64", CheckLevel?.none), ("2.6.32-754.el6.x86_64", .fail), ("5.15.0-91-generic", nil),
        ("3.10", nil), ("3.9.9", .fail),
    ])
    func kernel(release: String, level: CheckLevel?) throws {
        let result = try outcome("check_kernel_version", NodeFacts(kernelRelease: release))
        #expect(result?.level == level)
    }

    @Test func kernelUnknown() throws {
        #expect(try outcome("check_kernel_version", NodeFacts())?.message == "10.1.1.1 内核版本未知")
        let odd = try findings("check_kernel_version", NodeFacts(kernelRelease: "custom"))
        #expect(odd.map(\.level) == [.fail] && odd.first?.actual == "custom")
        // Digits run into letters are not a version: listed as unknown, not judged on the digits.
        let runOn = try findings("check_kernel_version", NodeFacts(kernelRelease: "5.4abc"))
        #expect(runOn.map(\.message) == ["10.1.1.1 内核版本未知"] && runOn.first?.actual == "5.4abc")
    }

    @Test func releaseNumbersCompareWithMissingPartsAsZeros() throws {
        var policy = Policy()
        var kernel = policy.item(KernelVersionCheck.self)
        kernel.minimum = try #require(DottedVersion("3.10.0"))
        policy.set(kernel)
        var os = policy.item(OSVersionCheck.self)
        let eight = try #require(DottedVersion("8.0"))
        os.minimums["rocky"] = eight
        policy.set(os)
        // 3.10 is 3.10.0 and 8 is 8.0: both pass (Python's list order, the reference's, would fail them).
        #expect(try findings("check_kernel_version", NodeFacts(kernelRelease: "3.10"), policy: policy).isEmpty)
        #expect(
            try findings("check_os_version", NodeFacts(osID: "rocky", osVersion: "8"), policy: policy).isEmpty)
        #expect(
            try findings("check_os_version", NodeFacts(osID: "rocky", osVersion: "7.9"), policy: policy).map(
                \.level) == [.fail])
        // Text after a separator is no part of the version; letters run into it make it unreadable.
        #expect(
            try findings("check_os_version", NodeFacts(osID: "rocky", osVersion: "8.6 (Green Obsidian)"))
                .isEmpty)
        for garbled in ["8.x", "10abc"] {
            let found = try findings("check_os_version", NodeFacts(osID: "rocky", osVersion: garbled))
            #expect(found.map(\.message) == ["10.1.1.1 操作系统版本未知"], "\(garbled)")
        }
    }

    @Test(arguments: [(1, CheckLevel?.some(.fail)), (2, .warn), (3, .warn), (4, nil), (64, nil)])
    func cpuCount(count: Int, level: CheckLevel?) throws {
        #expect(try outcome("check_cpu_count", NodeFacts(cpuCount: count))?.level == level)
        #expect(try outcome("check_cpu_count", NodeFacts())?.message == "10.1.1.1 CPU 核数未知")
    }

    @Test(arguments: [
        (Int64(2) << 30, CheckLevel?.some(.fail)), (Int64(3_973_316_608), .warn), (Int64(8_201_400_320), nil),
        (Int64(3584) << 20, .warn), (Int64(7680) << 20, nil),
    ])
    func memory(bytes: Int64, level: CheckLevel?) throws {
        #expect(try outcome("check_memory", NodeFacts(memoryTotalBytes: bytes))?.level == level)
        #expect(try outcome("check_memory", NodeFacts())?.message == "10.1.1.1 内存大小未知")
    }

    @Test func memoryMessagesSaySizesInGiB() throws {
        let warn = try findings("check_memory", NodeFacts(memoryTotalBytes: 3_973_316_608))
        #expect(warn.first?.message == "10.1.1.1 内存低于建议值, 当前为 3.7 GiB, 建议至少 7.5 GiB")
        #expect(warn.first?.expected == ">= 7.5 GiB" && warn.first?.actual == "3.7 GiB")
        let fail = try outcome("check_memory", NodeFacts(memoryTotalBytes: 1 << 30), language: .english)
        #expect(fail?.message == "10.1.1.1 has 1.0 GiB of memory, at least 3.5 GiB needed")
    }

    /// Texts made from a setting when it is set (not once per request) follow the policy's value.
    @Test func textsMadeFromSettingsFollowThePolicy() throws {
        let policy = try Policy.parse(
            """
            [check_memory]
            minimum_mib = 2048
            [check_clock_offset]
            maximum_ms = 250
            [check_cpu_count]
            minimum = 8
            recommended = 16
            [check_kernel_version]
            minimum = "4.18"
            """, file: "p.toml")
        let unknownMemory = try findings("check_memory", NodeFacts(), policy: policy)
        #expect(unknownMemory.first?.expected == ">= 2.0 GiB")
        let low = try findings("check_memory", NodeFacts(memoryTotalBytes: 1 << 30), language: .english, policy: policy)
        #expect(low.first?.message == "10.1.1.1 has 1.0 GiB of memory, at least 2.0 GiB needed")
        #expect(low.first?.expected == ">= 2.0 GiB")
        #expect(try findings("check_clock_offset", NodeFacts(), policy: policy).first?.expected == "<= 250 ms")
        var facts = NodeFacts()
        facts.clockOffsetSeconds = 0.3
        facts.clockOffsetErrorSeconds = 0.001
        let off = try findings("check_clock_offset", facts, policy: policy)
        #expect(off.first?.level == .fail && off.first?.expected == "<= 250 ms")
        #expect(try findings("check_cpu_count", NodeFacts(), policy: policy).first?.expected == ">= 8")
        #expect(try findings("check_cpu_count", NodeFacts(cpuCount: 4), policy: policy).first?.expected == ">= 8")
        #expect(try findings("check_kernel_version", NodeFacts(), policy: policy).first?.expected == ">= 4.18")
        let el7 = NodeFacts(kernelRelease: "3.10.0-1160.el7")
        #expect(try findings("check_kernel_version", el7, policy: policy).first?.expected == ">= 4.18")
    }

    /// The freshness fix names the node's id, whatever its digits and sign (made from bytes, not interpolated).
    @Test(arguments: [Int64(1), 42, 1_234_567_890_123, -7, .max, .min])
    func freshnessFixNamesTheNode(id: Int64) {
        #expect(FactsFreshnessCheck.fix.text(for: NodeID(id)) == "fcgi-check nodes collect \(id)")
    }

    @Test func swap() throws {
        #expect(try outcome("check_swap", NodeFacts(swapTotalBytes: 0)) == nil)
        let on = try findings("check_swap", NodeFacts(swapTotalBytes: 2 << 30))
        #expect(on.map(\.message) == ["10.1.1.1 未关闭 swap, 当前 swap 为 2.0 GiB"])
        #expect(on.first?.fix?.hasPrefix("swapoff -a") == true && on.first?.expected == "0")
        #expect(try outcome("check_swap", NodeFacts())?.message == "10.1.1.1 swap 大小未知")
    }

    @Test(arguments: [("never", CheckLevel?.none), ("madvise", .warn), ("always", .fail), ("NEVER", nil)])
    func transparentHugePages(setting: String, level: CheckLevel?) throws {
        let found = try findings("check_transparent_hugepages", NodeFacts(transparentHugePages: setting))
        #expect(found.first?.level == level)
        if level != nil {
            #expect(found.first?.fix == "echo never > /sys/kernel/mm/transparent_hugepage/enabled")
        }
        #expect(try outcome("check_transparent_hugepages", NodeFacts())?.message == "10.1.1.1 透明大页设置未知")
    }

    @Test func settingMessagesInBothLanguages() throws {
        let thp = NodeFacts(transparentHugePages: "always")
        #expect(try outcome("check_transparent_hugepages", thp)?.message == "10.1.1.1 透明大页为 always, 应为 never")
        #expect(
            try outcome("check_transparent_hugepages", thp, language: .english)?.message
                == "10.1.1.1 transparent huge pages is always, expected never")
        var selinux = NodeFacts(selinuxMode: "enforcing")
        selinux.selinuxConfigMode = "enforcing"
        #expect(try outcome("check_selinux", selinux)?.message == "10.1.1.1 SELinux 为 enforcing, 应为 disabled")
        #expect(
            try outcome("check_selinux", selinux, language: .english)?.message
                == "10.1.1.1 SELinux is enforcing, expected disabled")
        let fixes = try findings("check_selinux", selinux).map(\.fix)
        #expect(fixes == ["setenforce 0; sed -i 's/^SELINUX=.*/SELINUX=disabled/' /etc/selinux/config"])
    }

    @Test(arguments: [("disabled", CheckLevel?.none), ("permissive", .warn), ("enforcing", .fail)])
    func selinux(mode: String, level: CheckLevel?) throws {
        var facts = NodeFacts(selinuxMode: mode)
        facts.selinuxConfigMode = mode
        #expect(try outcome("check_selinux", facts)?.level == level)
        #expect(try outcome("check_selinux", NodeFacts())?.message == "10.1.1.1 SELinux 状态未知")
    }

    @Test func clockSync() throws {
        #expect(try outcome("check_clock_sync", NodeFacts(clockSynchronized: true)) == nil)
        let off = try findings("check_clock_sync", NodeFacts(clockSynchronized: false))
        #expect(off.map(\.message) == ["10.1.1.1 时钟未同步"] && off.first?.fix == "timedatectl set-ntp true")
        var policy = Policy()
        var clock = policy.item(ClockSyncCheck.self)
        clock.level = .warn
        policy.set(clock)
        let warned = try findings("check_clock_sync", NodeFacts(clockSynchronized: false), policy: policy)
        #expect(warned.map(\.level) == [.warn])
        #expect(try outcome("check_clock_sync", NodeFacts())?.message == "10.1.1.1 时钟同步状态未知")
    }

    @Test(arguments: [
        (1.0, CheckLevel?.none), (11.9, nil), (12.5, .warn), (24.0, .warn), (24.1, .fail), (-0.05, nil), (-3, .fail),
    ])
    func factsFreshness(hoursAgo: Double, level: CheckLevel?) throws {
        let facts = NodeFacts(collectedAt: Self.now.addingTimeInterval(-hoursAgo * 3600))
        let found = try findings("check_facts_freshness", facts)
        #expect(found.first?.level == level)
        if level != nil && hoursAgo > 0 {
            #expect(found.first?.fix == "fcgi-check nodes collect 1" && found.first?.fixLocation == .inventory)
        }
        // Three hours in the future: the clock or the data is wrong, so the age is unknown, never passed.
        if hoursAgo < -1 { #expect(found.first?.message == "10.1.1.1 节点信息采集时间未知") }
    }

    @Test func factsFreshnessMessagesAndUnknown() throws {
        let stale = try outcome(
            "check_facts_freshness", NodeFacts(collectedAt: Self.now.addingTimeInterval(-30 * 3600)),
            language: .english)
        #expect(stale?.message == "10.1.1.1 facts were collected 30 h ago, over the 24 h limit")
        #expect(
            try outcome("check_facts_freshness", NodeFacts())?.message == "10.1.1.1 节点信息采集时间未知")
        // Never collected: collecting is the fix, run where the inventory is.
        let never = try findings("check_facts_freshness", NodeFacts())
        #expect(never.first?.fix == "fcgi-check nodes collect 1" && never.first?.fixLocation == .inventory)
    }
}
