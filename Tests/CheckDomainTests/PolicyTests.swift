import Foundation
import Testing

@testable import CheckDomain

@Suite struct PolicyTests {
    func parse(_ text: String) throws(PolicyError) -> Policy { try Policy.parse(text, file: "p.toml") }

    func problem(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func anEmptyFileGivesTheDefaults() throws {
        #expect(try parse("") == Policy())
        #expect(try parse("# nothing here\n") == Policy())
        let policy = Policy()
        #expect(policy.compatibility == .none && policy.fields == .extended && policy.honoursRequestOptions)
        let os = policy.item(OSVersionCheck.self)
        #expect(os.minimums["centos"] == DottedVersion("7.2") && os.defaultMinimum == DottedVersion("7.2"))
        let systemd = policy.item(SystemdVersionCheck.self)
        #expect(systemd.minimum == 214 && systemd.banned == [231])
    }

    @Test func theExampleFileInDeployHoldsTheDefaults() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("deploy/policy.example.toml").path
        #expect(try Policy.load(path: path) == Policy())
    }

    @Test func everyKeyCanBeOverridden() throws {
        let policy = try parse(
            """
            checks = ["check_swap", "check_os_version"]
            [check_os_version]
            default_minimum = "8"
            minimum = { centos = "7.9", Kylin = "V10", ubuntu = "20.04" }
            [check_systemd_version]
            minimum = 219
            banned = [231, 232]
            [check_kernel_version]
            minimum = "4.18"
            [check_cpu_count]
            minimum = 8
            recommended = 16
            [check_memory]
            minimum_mib = 16000
            recommended_mib = 32000
            [check_swap]
            maximum_mib = 512
            [check_transparent_hugepages]
            pass = ["never", "madvise"]
            warn = []
            [check_selinux]
            pass = ["disabled", "permissive"]
            warn = ["enforcing"]
            [check_clock_sync]
            level = "warn"
            [check_facts_freshness]
            max_age_hours = 48
            warn_age_hours = 0
            [check_member_port]
            minimum = 1024
            maximum = 32767
            [check_member_host]
            level = "warn"
            [check_os_family]
            level = "warn"
            [check_ulimit]
            nofile_minimum = 100000
            nofile_recommended = 100000
            nproc_minimum = 65535
            [check_sysctl.rules]
            "vm.swappiness" = { max = 10, level = "warn" }
            "fs.aio-max-nr" = false
            [check_cpu_governor]
            pass = ["performance", "schedutil"]
            warn = ["ondemand"]
            without_cpufreq = "warn"
            [check_port_in_use]
            level = "warn"
            [check_firewall]
            level = "fail"
            [check_timezone]
            level = "warn"
            [check_clock_offset]
            maximum_ms = 1000
            warn_ms = 0
            [check_data_dir]
            data_dir = "/var/lib/pgsql/"
            file_systems = ["xfs"]
            mount_options = []
            minimum_free_gib = 0
            [check_hostname]
            level = "warn"
            [check_kernel_uniform]
            level = "fail"
            [check_numa_irqbalance]
            level = "fail"
            """)
        #expect(policy.checks == ["check_swap", "check_os_version"])
        #expect(policy.registry().names == ["check_swap", "check_os_version"])
        let os = policy.item(OSVersionCheck.self)
        #expect(os.defaultMinimum == DottedVersion("8"))
        #expect(os.minimums["centos"] == DottedVersion("7.9") && os.minimums["kylin"] == DottedVersion("10"))
        #expect(os.minimums["ubuntu"]?.text == "20.04" && os.minimums["debian"] == DottedVersion("10"))
        let systemd = policy.item(SystemdVersionCheck.self)
        #expect(systemd.minimum == 219 && systemd.banned == [231, 232])
        #expect(policy.item(KernelVersionCheck.self).minimum == DottedVersion("4.18"))
        let cpu = policy.item(CPUCountCheck.self)
        #expect(cpu.minimum == 8 && cpu.recommended == 16)
        let memory = policy.item(MemoryCheck.self)
        #expect(memory.minimumMiB == 16000 && memory.recommendedMiB == 32000)
        #expect(policy.item(SwapCheck.self).maximumMiB == 512)
        #expect(
            policy.item(TransparentHugePagesCheck.self).allowed
                == AllowedSettings(pass: ["never", "madvise"], warn: []))
        #expect(
            policy.item(SELinuxCheck.self).allowed
                == AllowedSettings(pass: ["disabled", "permissive"], warn: ["enforcing"]))
        #expect(policy.item(ClockSyncCheck.self).level == .warn && policy.item(MemberHostCheck.self).level == .warn)
        #expect(policy.item(OSFamilyCheck.self).level == .warn)
        let freshness = policy.item(FactsFreshnessCheck.self)
        #expect(freshness.maximumAgeHours == 48 && freshness.warnAgeHours == 0)
        let port = policy.item(MemberPortCheck.self)
        #expect(port.minimum == 1024 && port.maximum == 32767)
        #expect(systemd.description(in: .chinese) == "检测 systemd 检查版本 >218 且 != 231 且 != 232")
        let ulimit = policy.item(UlimitCheck.self)
        #expect(ulimit.nofileMinimum == 100_000 && ulimit.nofileRecommended == 100_000 && ulimit.nprocMinimum == 65535)
        let rules = policy.item(SysctlCheck.self).rules
        #expect(rules.first { $0.name == "vm.swappiness" } == SysctlRule("vm.swappiness", maximum: 10, level: .warn))
        #expect(!rules.contains { $0.name == "fs.aio-max-nr" } && rules.count == 5)
        let governor = policy.item(CPUGovernorCheck.self)
        #expect(governor.allowed == AllowedSettings(pass: ["performance", "schedutil"], warn: ["ondemand"]))
        #expect(governor.withoutCPUFreq == "warn")
        #expect(policy.item(PortInUseCheck.self).level == .warn && policy.item(FirewallCheck.self).level == .fail)
        #expect(policy.item(TimezoneCheck.self).level == .warn && policy.item(HostnameCheck.self).level == .warn)
        #expect(policy.item(KernelUniformCheck.self).level == .fail)
        #expect(policy.item(NUMAIrqbalanceCheck.self).level == .fail)
        let clock = policy.item(ClockOffsetCheck.self)
        #expect(clock.maximumMs == 1000 && clock.warnMs == 0)
        let data = policy.item(DataDirCheck.self)
        #expect(data.dataDir == "/var/lib/pgsql" && data.fileSystems == ["xfs"] && data.mountOptions.isEmpty)
        #expect(data.minimumFreeGiB == 0)
    }

    @Test func compatReferenceIsTheReferenceCatalogue() throws {
        let policy = try parse(#"compat = "reference""#)
        #expect(policy == .reference)
        #expect(policy.fields == .reference && !policy.honoursRequestOptions)
        #expect(policy.registry().names == ["check_os_version", "check_systemd_version"])
        #expect(try parse(#"compat = "none""#) == Policy())
    }

    @Test(arguments: [
        // Syntax, with the line.
        ("checks = [\n\"check_swap\",\n", "policy p.toml: line 2, column 15: TOML syntax error"),
        ("[check_memory\nminimum_mib = 1", "policy p.toml: line 1"),
        ("a = 1\na = 2", "policy p.toml: line 2"),
        // Unknown keys.
        ("colour = true", "key colour: unknown key"),
        ("[check_memory]\nminimum_gb = 4", "key check_memory.minimum_gb: unknown key"),
        ("[check_clock_sync]\nlevels = \"warn\"", "key check_clock_sync.levels: unknown key"),
        // Wrong types.
        ("compat = 1", "key compat: must be a string, not an integer"),
        ("checks = \"check_swap\"", "key checks: must be an array of strings, not a string"),
        ("checks = [1]", "key checks: must be an array of strings, not an integer"),
        ("[check_memory]\nminimum_mib = \"4096\"", "key check_memory.minimum_mib: must be an integer, not a string"),
        ("[check_memory]\nminimum_mib = 4096.5", "must be an integer, not a floating-point number"),
        ("check_swap = 0", "key check_swap: must be a table, not an integer"),
        ("[check_os_version]\nminimum = \"7.2\"", "key check_os_version.minimum: must be a table, not a string"),
        ("[check_os_version.minimum]\ncentos = 7.2", "key check_os_version.minimum.centos: must be a string"),
        (
            "[check_systemd_version]\nbanned = [\"231\"]",
            "key check_systemd_version.banned: must be an array of integers"
        ),
        // Bad values.
        ("compat = \"strict\"", "key compat: must be \"none\" or \"reference\", not \"strict\""),
        ("compat = \"reference\"\n[check_memory]\nminimum_mib = 1", "key check_memory: compat = \"reference\" fixes"),
        ("checks = []", "key checks: must name at least one check item"),
        ("checks = [\"check_disk\"]", "key checks: unknown check item \"check_disk\" (known: check_os_version,"),
        ("checks = [\"check_swap\", \"check_swap\"]", "key checks: \"check_swap\" is listed twice"),
        ("[check_memory]\nminimum_mib = -5", "key check_memory.minimum_mib: must be at least 1, not -5"),
        (
            "[check_os_version.minimum]\ncentos = \"7\"\nCentOS = \"8\"",
            "key check_os_version.minimum.centos: names the same OS id as CentOS (ids ignore case)"
        ),
        (
            "[check_memory]\nminimum_mib = 9000000000000",
            "key check_memory.minimum_mib: must be at most 1099511627776, not 9000000000000"
        ),
        (
            "[check_swap]\nmaximum_mib = 9223372036854775807",
            "key check_swap.maximum_mib: must be at most 1099511627776"
        ),
        ("[check_memory]\nminimum_mib = 9000", "key check_memory.recommended_mib: must be at least minimum_mib (9000)"),
        ("[check_cpu_count]\nminimum = 0", "key check_cpu_count.minimum: must be at least 1, not 0"),
        ("[check_kernel_version]\nminimum = \"3.x\"", "key check_kernel_version.minimum: \"3.x\" is not a version"),
        (
            "[check_os_version.minimum]\nubuntu = \"jammy\"",
            "key check_os_version.minimum.ubuntu: \"jammy\" is not a version"
        ),
        ("[check_os_version]\ndefault_minimum = \"\"", "key check_os_version.default_minimum: \"\" is not a version"),
        ("[check_systemd_version]\nbanned = [0]", "key check_systemd_version.banned: must hold integers of at least 1"),
        (
            "[check_clock_sync]\nlevel = \"error\"",
            "key check_clock_sync.level: must be \"fail\" or \"warn\", not \"error\""
        ),
        ("[check_selinux]\npass = [\"off\"]", "key check_selinux.pass: unknown setting \"off\""),
        ("[check_selinux]\npass = []", "key check_selinux.pass: must name at least one setting"),
        (
            "[check_transparent_hugepages]\nwarn = [\"never\"]",
            "key check_transparent_hugepages.warn: \"never\" is also in pass"
        ),
        ("[check_facts_freshness]\nwarn_age_hours = 30", "key check_facts_freshness.warn_age_hours: must not exceed"),
        ("[check_member_port]\nmaximum = 70000", "key check_member_port.maximum: must be at most 65535"),
        (
            "[check_member_port]\nminimum = 2000\nmaximum = 1000",
            "key check_member_port.minimum: must not exceed maximum"
        ),
        // check_ulimit
        ("[check_ulimit]\nnofile_minimum = 0", "key check_ulimit.nofile_minimum: must be at least 1, not 0"),
        (
            "[check_ulimit]\nnproc_minimum = \"4096\"",
            "key check_ulimit.nproc_minimum: must be an integer, not a string"
        ),
        (
            "[check_ulimit]\nnofile_minimum = 2000000",
            "key check_ulimit.nofile_recommended: must be at least nofile_minimum (2000000)"
        ),
        ("[check_ulimit]\nnofile = 65535", "key check_ulimit.nofile: unknown key"),
        // check_sysctl
        ("[check_sysctl]\nrules = 1", "key check_sysctl.rules: must be a table, not an integer"),
        (
            "[check_sysctl.rules]\n\"kernel.shmmax\" = { min = 1 }",
            "key check_sysctl.rules.\"kernel.shmmax\": not a kernel setting fcgi-check collects (collected: fs.aio-max-nr,"
        ),
        (
            "[check_sysctl.rules]\nvm.nosuch = { min = 1 }",
            "key check_sysctl.rules.\"vm.nosuch\": not a kernel setting fcgi-check collects"
        ),
        (
            "[check_sysctl.rules]\n\"vm.swappiness\" = 1",
            "key check_sysctl.rules.\"vm.swappiness\": must be a table ({ min = ..., max = ..., one_of = [...], level = ... }) or false (no rule), not an integer"
        ),
        ("[check_sysctl.rules]\n\"vm.swappiness\" = true", "or false (no rule), not a bool"),
        (
            "[check_sysctl.rules]\n\"vm.swappiness\" = {}",
            "key check_sysctl.rules.\"vm.swappiness\": must set min, max or one_of"
        ),
        (
            "[check_sysctl.rules]\n\"vm.swappiness\" = { maximum = 1 }",
            "key check_sysctl.rules.\"vm.swappiness\".maximum: unknown key (known: min, max, one_of, level)"
        ),
        (
            "[check_sysctl.rules]\nvm.swappiness.max = \"1\"",
            "key check_sysctl.rules.\"vm.swappiness\".max: must be an integer, not a string"
        ),
        (
            "[check_sysctl.rules]\n\"vm.swappiness\" = { min = 10, max = 1 }",
            "key check_sysctl.rules.\"vm.swappiness\".min: must not exceed max (1)"
        ),
        (
            "[check_sysctl.rules]\n\"vm.swappiness\" = { one_of = [] }",
            "key check_sysctl.rules.\"vm.swappiness\".one_of: must name at least one value"
        ),
        (
            "[check_sysctl.rules]\n\"vm.swappiness\" = { one_of = [\"0\"] }",
            "key check_sysctl.rules.\"vm.swappiness\".one_of: must be an integer, not a string"
        ),
        (
            "[check_sysctl.rules]\n\"vm.swappiness\" = { one_of = [0], max = 1 }",
            "key check_sysctl.rules.\"vm.swappiness\": one_of cannot be combined with min or max"
        ),
        (
            "[check_sysctl.rules]\n\"vm.swappiness\" = { max = 1, level = \"error\" }",
            "key check_sysctl.rules.\"vm.swappiness\".level: must be \"fail\" or \"warn\", not \"error\""
        ),
        // check_cpu_governor
        ("[check_cpu_governor]\npass = [\"turbo\"]", "key check_cpu_governor.pass: unknown setting \"turbo\""),
        ("[check_cpu_governor]\npass = []", "key check_cpu_governor.pass: must name at least one setting"),
        (
            "[check_cpu_governor]\nwarn = [\"performance\"]",
            "key check_cpu_governor.warn: \"performance\" is also in pass"
        ),
        (
            "[check_cpu_governor]\nwithout_cpufreq = \"fail\"",
            "key check_cpu_governor.without_cpufreq: must be \"pass\" or \"warn\", not \"fail\""
        ),
        (
            "[check_cpu_governor]\nwithout_cpufreq = false",
            "key check_cpu_governor.without_cpufreq: must be a string, not a bool"
        ),
        // The items with a level only.
        ("[check_port_in_use]\nlevel = \"error\"", "key check_port_in_use.level: must be \"fail\" or \"warn\""),
        ("[check_firewall]\nlevel = 1", "key check_firewall.level: must be a string, not an integer"),
        ("[check_timezone]\nzone = \"UTC\"", "key check_timezone.zone: unknown key (known: level)"),
        ("[check_hostname]\nlevel = \"pass\"", "key check_hostname.level: must be \"fail\" or \"warn\""),
        ("[check_kernel_uniform]\nlevel = \"\"", "key check_kernel_uniform.level: must be \"fail\" or \"warn\""),
        ("[check_numa_irqbalance]\nlevel = [\"warn\"]", "key check_numa_irqbalance.level: must be a string"),
        // check_clock_offset
        ("[check_clock_offset]\nmaximum_ms = 0", "key check_clock_offset.maximum_ms: must be at least 1, not 0"),
        ("[check_clock_offset]\nwarn_ms = 600", "key check_clock_offset.warn_ms: must not exceed maximum_ms (500)"),
        ("[check_clock_offset]\nwarn_ms = -1", "key check_clock_offset.warn_ms: must be at least 0, not -1"),
        ("[check_clock_offset]\nmaximum_ms = 0.5", "key check_clock_offset.maximum_ms: must be an integer"),
        // check_data_dir
        (
            "[check_data_dir]\ndata_dir = \"data\"",
            "key check_data_dir.data_dir: must be an absolute path, not \"data\""
        ),
        (
            "[check_data_dir]\ndata_dir = \"/data/../etc\"",
            "key check_data_dir.data_dir: must not hold . or .. components"
        ),
        ("[check_data_dir]\ndata_dir = \"/data\\nx\"", "key check_data_dir.data_dir: must not hold control characters"),
        ("[check_data_dir]\ndata_dir = 1", "key check_data_dir.data_dir: must be a string, not an integer"),
        ("[check_data_dir]\nfile_systems = []", "key check_data_dir.file_systems: must name at least one value"),
        (
            "[check_data_dir]\nfile_systems = [\"xfs ext4\"]",
            "key check_data_dir.file_systems: \"xfs ext4\" is not a single word"
        ),
        (
            "[check_data_dir]\nmount_options = [\"noatime,nodiratime\"]",
            "key check_data_dir.mount_options: \"noatime,nodiratime\" is not a single word"
        ),
        (
            "[check_data_dir]\nmount_options = [\"noatime\", \"noatime\"]",
            "key check_data_dir.mount_options: \"noatime\" is listed twice"
        ),
        (
            "[check_data_dir]\nmount_options = \"noatime\"",
            "key check_data_dir.mount_options: must be an array of strings"
        ),
        ("[check_data_dir]\nminimum_free_gib = -1", "key check_data_dir.minimum_free_gib: must be at least 0, not -1"),
        (
            "[check_data_dir]\nminimum_free_gib = 2000000000",
            "key check_data_dir.minimum_free_gib: must be at most 1073741824"
        ),
    ])
    func badFilesAreRefusedNamingTheKeyAndTheProblem(text: String, message: String) {
        let found = problem(text)
        #expect(found?.contains(message) == true, "\(found ?? "accepted")")
        #expect(found?.hasPrefix("policy p.toml: ") == true)
    }

    @Test func unreadableFilesAreRefusedNamingTheFile() throws {
        #expect(throws: PolicyError(file: "/nonexistent/p.toml", problem: "no such file")) {
            try Policy.load(path: "/nonexistent/p.toml")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: PolicyError.self) { try Policy.load(path: directory.path) }
        let binary = directory.appendingPathComponent("bad.toml")
        try Data([0xFF, 0xFE, 0x00]).write(to: binary)
        #expect(throws: PolicyError(file: binary.path, problem: "is not UTF-8 text")) {
            try Policy.load(path: binary.path)
        }
        let good = directory.appendingPathComponent("good.toml")
        try Data("[check_cpu_count]\nminimum = 3\n".utf8).write(to: good)
        #expect(try Policy.load(path: good.path).item(CPUCountCheck.self).minimum == 3)
    }
}
