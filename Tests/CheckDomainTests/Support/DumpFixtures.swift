import Foundation
import Testing

@testable import CheckDomain

/// The collection script's output as six distributions print it (`Fixtures/dumps/*.txt`), each with the facts it
/// must give, written down by hand from the dump's text.
struct DumpFixture: Sendable, CustomTestStringConvertible {
    /// The file's name in `Fixtures/dumps`, without `.txt`.
    var name: String
    /// The `@@ clock` line's reading.
    var nodeSeconds: Double
    /// Whether the `@@ clock` line has a fraction (BusyBox's `date` has none).
    var clockHasFraction: Bool
    /// The facts, `collectedAt` and the clock offset aside.
    var facts: NodeFacts

    var testDescription: String { name }

    /// The dump's bytes.
    func bytes() throws -> Data {
        let url = try #require(
            Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Fixtures/dumps"))
        return try Data(contentsOf: url)
    }

    /// The dump's text.
    func text() throws -> String {
        String(decoding: try bytes(), as: UTF8.self)
    }

    static let all: [DumpFixture] = [centos7, rhel8, ubuntu2204, debian12, kylinV10, alpine319]
}

extension DumpFixture {
    static func kib(_ count: Int64) -> Int64 { count * 1024 }

    static func sysctl(
        fileMax: String, swappiness: String, maxMapCount: String = "65530", minFreeKbytes: String,
        somaxconn: String, aioMaxNr: String = "65536", portRange: String = "32768 60999"
    ) -> [String: String] {
        [
            "fs.file-max": fileMax, "fs.aio-max-nr": aioMaxNr, "vm.swappiness": swappiness,
            "vm.overcommit_memory": "0", "vm.max_map_count": maxMapCount, "vm.min_free_kbytes": minFreeKbytes,
            "net.core.somaxconn": somaxconn, "net.ipv4.tcp_syncookies": "1",
            "net.ipv4.ip_local_port_range": portRange,
        ]
    }

    static func mount(
        _ mountPoint: String, _ device: String, _ fsType: String, _ options: String, size: Int64?, free: Int64?
    ) -> Mount {
        Mount(
            mountPoint: mountPoint, device: device, fsType: fsType, options: options,
            sizeBytes: size.map(kib), freeBytes: free.map(kib))
    }

    static func rule(_ file: String, _ domain: String, _ type: String, _ item: String, _ value: String) -> LimitsRule {
        LimitsRule(file: file, domain: domain, type: type, item: item, value: value)
    }

    static let limitsConf = "/etc/security/limits.conf"

    /// A KVM guest: no cpufreq, SELinux switched to permissive at run time but disabled in its config, the rootfs
    /// line of a 3.10 kernel's `/proc/mounts` before the real `/`.
    static let centos7: DumpFixture = {
        var facts = NodeFacts(
            osID: "centos", osVersion: "7.9.2009", systemdVersion: 219, kernelRelease: "3.10.0-1160.el7.x86_64",
            cpuCount: 4, memoryTotalBytes: kib(8_009_216), swapTotalBytes: kib(2_097_148),
            transparentHugePages: "always", selinuxMode: "permissive", clockSynchronized: true, hostname: "db-c7-01")
        facts.selinuxConfigMode = "disabled"
        facts.timezone = "Asia/Shanghai"
        facts.nofileSoft = .limited(65535)
        facts.nofileHard = .limited(65535)
        facts.nprocSoft = .limited(4096)
        facts.nprocHard = .limited(31206)
        let nproc = "/etc/security/limits.d/20-nproc.conf"
        facts.limitsRules = [
            rule(limitsConf, "*", "soft", "nofile", "65535"), rule(limitsConf, "*", "hard", "nofile", "65535"),
            rule(nproc, "*", "soft", "nproc", "4096"), rule(nproc, "root", "soft", "nproc", "unlimited"),
        ]
        facts.sysctl = sysctl(fileMax: "790964", swappiness: "30", minFreeKbytes: "67584", somaxconn: "128")
        facts.cpuGovernors = []
        facts.listeningTCP = [
            "0.0.0.0:111", "0.0.0.0:22", "0.0.0.0:5432", "127.0.0.1:25", "[::1]:25", "[::]:111", "[::]:22",
            "[::]:5432",
        ]
        facts.firewall = "firewalld"
        facts.mounts = [
            mount(
                "/", "/dev/mapper/centos-root", "xfs", "rw,seclabel,relatime,attr2,inode64,noquota",
                size: 52_403_200, free: 48_190_860),
            mount("/dev/shm", "tmpfs", "tmpfs", "rw,seclabel,nosuid,nodev", size: 4_004_608, free: 4_004_608),
            mount("/run", "tmpfs", "tmpfs", "rw,seclabel,nosuid,nodev,mode=755", size: 4_004_608, free: 3_995_708),
            mount(
                "/sys/fs/cgroup", "tmpfs", "tmpfs", "ro,seclabel,nosuid,nodev,noexec,mode=755", size: 4_004_608,
                free: 4_004_608),
            mount(
                "/boot", "/dev/vda1", "xfs", "rw,seclabel,relatime,attr2,inode64,noquota", size: 1_038_336,
                free: 846_856),
            mount(
                "/data", "/dev/mapper/datavg-data", "xfs", "rw,seclabel,noatime,attr2,inode64,noquota",
                size: 524_032_000, free: 522_988_788),
            mount(
                "/run/user/1000", "tmpfs", "tmpfs",
                "rw,seclabel,nosuid,nodev,relatime,size=800924k,mode=700,uid=1000,gid=1000", size: 800_924,
                free: 800_924),
        ]
        facts.numaNodes = 1
        facts.irqbalanceRunning = true
        return DumpFixture(name: "centos-7", nodeSeconds: 1_700_000_000.123456789, clockHasFraction: true, facts: facts)
    }()

    /// Bare metal: 8 CPUs at `performance`, 2 NUMA nodes, SELinux enforcing, THP off, an NFS backup mount.
    static let rhel8: DumpFixture = {
        var facts = NodeFacts(
            osID: "rhel", osVersion: "8.10", systemdVersion: 239, kernelRelease: "4.18.0-553.el8_10.x86_64",
            cpuCount: 8, memoryTotalBytes: kib(65_386_336), swapTotalBytes: kib(4_194_300),
            transparentHugePages: "never", selinuxMode: "enforcing", clockSynchronized: true,
            hostname: "pg-prod-02.corp.example.com")
        facts.selinuxConfigMode = "enforcing"
        facts.timezone = "Asia/Shanghai"
        facts.nofileSoft = .limited(1_048_576)
        facts.nofileHard = .limited(1_048_576)
        facts.nprocSoft = .unlimited
        facts.nprocHard = .unlimited
        let postgres = "/etc/security/limits.d/10-postgres.conf"
        let app = "/etc/security/limits.d/99-app.conf"
        facts.limitsRules = [
            rule(limitsConf, "*", "soft", "nofile", "1048576"), rule(limitsConf, "*", "hard", "nofile", "1048576"),
            rule(limitsConf, "*", "soft", "nproc", "unlimited"), rule(limitsConf, "*", "hard", "nproc", "unlimited"),
            rule(postgres, "postgres", "soft", "nofile", "65536"),
            rule(postgres, "postgres", "hard", "nofile", "65536"),
            rule(app, "app", "-", "nofile", "262144"), rule(app, "@dba", "hard", "nproc", "16384"),
        ]
        facts.sysctl = sysctl(
            fileMax: "6529017", swappiness: "10", maxMapCount: "262144", minFreeKbytes: "90112", somaxconn: "1024",
            aioMaxNr: "1048576", portRange: "9000 65500")
        facts.cpuGovernors = Array(repeating: "performance", count: 8)
        facts.listeningTCP = [
            "0.0.0.0:22", "0.0.0.0:5432", "127.0.0.1:25", "[::1]:25", "[::]:22", "[::]:5432", "[::]:9100",
        ]
        facts.firewall = "firewalld"
        let xfsOptions = "rw,seclabel,relatime,attr2,inode64,logbufs=8,logbsize=32k,noquota"
        facts.mounts = [
            mount("/dev/shm", "tmpfs", "tmpfs", "rw,seclabel,nosuid,nodev", size: 32_693_168, free: 32_693_168),
            mount("/run", "tmpfs", "tmpfs", "rw,seclabel,nosuid,nodev,mode=755", size: 32_693_168, free: 32_675_664),
            mount(
                "/sys/fs/cgroup", "tmpfs", "tmpfs", "ro,seclabel,nosuid,nodev,noexec,mode=755", size: 32_693_168,
                free: 32_693_168),
            mount("/", "/dev/mapper/rhel-root", "xfs", xfsOptions, size: 73_364_480, free: 67_121_356),
            mount("/boot", "/dev/sda2", "xfs", xfsOptions, size: 1_038_336, free: 761_232),
            mount(
                "/boot/efi", "/dev/sda1", "vfat",
                "rw,relatime,fmask=0077,dmask=0077,codepage=437,iocharset=ascii,shortname=winnt,errors=remount-ro",
                size: 613_160, free: 607_188),
            mount(
                "/data", "/dev/mapper/datavg-pgdata", "xfs",
                "rw,seclabel,noatime,attr2,inode64,logbufs=8,logbsize=256k,sunit=512,swidth=2048,noquota",
                size: 3_906_248_704, free: 2_695_774_692),
            mount(
                "/backup", "nas01.corp.example.com:/export/backup", "nfs4",
                "rw,relatime,vers=4.2,rsize=1048576,wsize=1048576,namlen=255,hard,proto=tcp,timeo=600,retrans=2,"
                    + "sec=sys,clientaddr=192.168.10.21,local_lock=none,addr=192.168.10.50",
                size: 15_623_913_472, free: 5_747_370_262),
            mount(
                "/run/user/1001", "tmpfs", "tmpfs",
                "rw,seclabel,nosuid,nodev,relatime,size=6538632k,mode=700,uid=1001,gid=1001", size: 6_538_632,
                free: 6_538_632),
        ]
        facts.numaNodes = 2
        facts.irqbalanceRunning = true
        return DumpFixture(name: "rhel-8", nodeSeconds: 1_700_003_600.987654321, clockHasFraction: true, facts: facts)
    }()

    /// A cloud VM: no swap, no cpufreq, AppArmor rather than SELinux, ufw installed but disabled, snaps.
    static let ubuntu2204: DumpFixture = {
        var facts = NodeFacts(
            osID: "ubuntu", osVersion: "22.04", systemdVersion: 249, kernelRelease: "5.15.0-105-generic",
            cpuCount: 2, memoryTotalBytes: kib(4_013_876), swapTotalBytes: 0, transparentHugePages: "madvise",
            selinuxMode: "disabled", clockSynchronized: true, hostname: "ip-172-31-5-21")
        facts.selinuxConfigMode = "disabled"
        facts.timezone = "Etc/UTC"
        facts.nofileSoft = .limited(1024)
        facts.nofileHard = .limited(1_048_576)
        facts.nprocSoft = .limited(15595)
        facts.nprocHard = .limited(15595)
        facts.limitsRules = []
        facts.sysctl = sysctl(
            fileMax: "9223372036854775807", swappiness: "60", minFreeKbytes: "67584", somaxconn: "4096")
        facts.cpuGovernors = []
        facts.listeningTCP = ["0.0.0.0:22", "0.0.0.0:80", "127.0.0.53:53", "[::]:22", "[::]:80"]
        facts.firewall = "none"
        facts.mounts = [
            mount(
                "/run", "tmpfs", "tmpfs", "rw,nosuid,nodev,noexec,relatime,size=401388k,mode=755,inode64",
                size: 401_388, free: 400_372),
            mount(
                "/", "/dev/root", "ext4", "rw,relatime,discard,errors=remount-ro", size: 40_581_564,
                free: 37_437_812),
            mount("/dev/shm", "tmpfs", "tmpfs", "rw,nosuid,nodev,inode64", size: 2_006_936, free: 2_006_936),
            mount(
                "/run/lock", "tmpfs", "tmpfs", "rw,nosuid,nodev,noexec,relatime,size=5120k,inode64", size: 5120,
                free: 5120),
            mount(
                "/snap/core20/2182", "/dev/loop0", "squashfs", "ro,nodev,relatime,errors=continue", size: 65536,
                free: 0),
            mount(
                "/snap/snapd/21184", "/dev/loop1", "squashfs", "ro,nodev,relatime,errors=continue", size: 39424,
                free: 0),
            mount(
                "/boot/efi", "/dev/nvme0n1p15", "vfat",
                "rw,relatime,fmask=0077,dmask=0077,codepage=437,iocharset=iso8859-1,shortname=mixed,errors=remount-ro",
                size: 106_858, free: 100_672),
            mount(
                "/run/user/1000", "tmpfs", "tmpfs",
                "rw,nosuid,nodev,relatime,size=401384k,nr_inodes=100346,mode=700,uid=1000,gid=1000,inode64",
                size: 401_384, free: 401_380),
        ]
        facts.numaNodes = 1
        facts.irqbalanceRunning = true
        return DumpFixture(
            name: "ubuntu-22.04", nodeSeconds: 1_700_007_200.5, clockHasFraction: true, facts: facts)
    }()

    /// A small bare-metal file server: `powersave`, nftables with a drop policy, an unsynchronised clock, a mount
    /// point with a space (`\040`), no irqbalance.
    static let debian12: DumpFixture = {
        var facts = NodeFacts(
            osID: "debian", osVersion: "12.5", systemdVersion: 252, kernelRelease: "6.1.0-18-amd64", cpuCount: 4,
            memoryTotalBytes: kib(32_823_572), swapTotalBytes: kib(999_420), transparentHugePages: "madvise",
            selinuxMode: "disabled", clockSynchronized: false, hostname: "nas-deb12")
        facts.selinuxConfigMode = "disabled"
        facts.timezone = "Europe/Berlin"
        facts.nofileSoft = .limited(1024)
        facts.nofileHard = .limited(524_288)
        facts.nprocSoft = .limited(127_451)
        facts.nprocHard = .limited(127_451)
        facts.limitsRules = []
        facts.sysctl = sysctl(
            fileMax: "9223372036854775807", swappiness: "60", minFreeKbytes: "45056", somaxconn: "4096")
        facts.cpuGovernors = Array(repeating: "powersave", count: 4)
        facts.listeningTCP = [
            "0.0.0.0:139", "0.0.0.0:22", "0.0.0.0:445", "127.0.0.1:25", "[::1]:25", "[::]:139", "[::]:22",
            "[::]:445", "[::]:8080",
        ]
        facts.firewall = "nftables"
        facts.mounts = [
            mount(
                "/run", "tmpfs", "tmpfs", "rw,nosuid,nodev,noexec,relatime,size=3282360k,mode=755,inode64",
                size: 3_282_360, free: 3_281_132),
            mount(
                "/", "/dev/nvme0n1p2", "ext4", "rw,relatime,errors=remount-ro", size: 479_079_112,
                free: 433_324_516),
            mount("/dev/shm", "tmpfs", "tmpfs", "rw,nosuid,nodev,inode64", size: 16_411_784, free: 16_411_784),
            mount(
                "/run/lock", "tmpfs", "tmpfs", "rw,nosuid,nodev,noexec,relatime,size=5120k,inode64", size: 5120,
                free: 5120),
            mount(
                "/boot/efi", "/dev/nvme0n1p1", "vfat",
                "rw,relatime,fmask=0077,dmask=0077,codepage=437,iocharset=ascii,shortname=mixed,utf8,"
                    + "errors=remount-ro",
                size: 523_244, free: 517_272),
            mount(
                "/data", "/dev/sda1", "xfs", "rw,noatime,attr2,inode64,logbufs=8,logbsize=32k,noquota",
                size: 7_811_939_328, free: 3_905_821_696),
            mount(
                "/mnt/usb disk", "/dev/sdb1", "ext4", "rw,nosuid,nodev,relatime", size: 960_303_848,
                free: 911_329_440),
            mount(
                "/run/user/0", "tmpfs", "tmpfs",
                "rw,nosuid,nodev,relatime,size=3282356k,nr_inodes=820589,mode=700,inode64", size: 3_282_356,
                free: 3_282_356),
        ]
        facts.numaNodes = 1
        facts.irqbalanceRunning = false
        return DumpFixture(
            name: "debian-12", nodeSeconds: 1_700_010_800.25, clockHasFraction: true, facts: facts)
    }()

    /// A 32-CPU Hygon server with 4 NUMA nodes and Docker: `timedatectl` timed out (D-Bus), so chrony tells the
    /// clock; SELinux disabled at boot and in its config; `release V10` holds no numeric version.
    static let kylinV10: DumpFixture = {
        var facts = NodeFacts(
            osID: "kylin", osVersion: "V10", systemdVersion: 245, kernelRelease: "4.19.90-52.22.v2207.ky10.x86_64",
            cpuCount: 32, memoryTotalBytes: kib(131_595_304), swapTotalBytes: kib(8_388_604),
            transparentHugePages: "always", selinuxMode: "disabled", clockSynchronized: true,
            hostname: "kylin-app-03")
        facts.selinuxConfigMode = "disabled"
        facts.timezone = "Asia/Shanghai"
        facts.nofileSoft = .limited(65535)
        facts.nofileHard = .limited(65535)
        facts.nprocSoft = .limited(65535)
        facts.nprocHard = .limited(65535)
        facts.limitsRules = [
            rule(limitsConf, "*", "soft", "nofile", "65535"), rule(limitsConf, "*", "hard", "nofile", "65535"),
            rule(limitsConf, "*", "soft", "nproc", "65535"), rule(limitsConf, "*", "hard", "nproc", "65535"),
        ]
        facts.sysctl = sysctl(fileMax: "13134312", swappiness: "10", minFreeKbytes: "90112", somaxconn: "128")
        facts.cpuGovernors = Array(repeating: "performance", count: 32)
        facts.listeningTCP = [
            "0.0.0.0:10050", "0.0.0.0:22", "0.0.0.0:8080", "127.0.0.1:25", "[::1]:25", "[::]:22", "[::]:8080",
        ]
        facts.firewall = "firewalld"
        let xfsOptions = "rw,relatime,attr2,inode64,logbufs=8,logbsize=32k,noquota"
        facts.mounts = [
            mount("/dev/shm", "tmpfs", "tmpfs", "rw,nosuid,nodev", size: 65_797_652, free: 65_797_652),
            mount("/run", "tmpfs", "tmpfs", "rw,nosuid,nodev,mode=755", size: 65_797_652, free: 65_770_152),
            mount(
                "/sys/fs/cgroup", "tmpfs", "tmpfs", "ro,nosuid,nodev,noexec,mode=755", size: 65_797_652,
                free: 65_797_652),
            mount("/", "/dev/mapper/klas-root", "xfs", xfsOptions, size: 104_806_400, free: 94_983_060),
            mount("/boot", "/dev/sda2", "xfs", xfsOptions, size: 1_038_336, free: 804_864),
            mount(
                "/boot/efi", "/dev/sda1", "vfat",
                "rw,relatime,fmask=0077,dmask=0077,codepage=437,iocharset=ascii,shortname=winnt,errors=remount-ro",
                size: 613_160, free: 606_656),
            mount(
                "/data", "/dev/mapper/datavg-data", "xfs",
                "rw,noatime,nodiratime,attr2,inode64,logbufs=8,logbsize=32k,noquota", size: 1_952_312_320,
                free: 1_550_196_224),
            mount(
                "/var/lib/docker/overlay2/3f1c9a2b7d0e/merged", "overlay", "overlay",
                "rw,relatime,lowerdir=/var/lib/docker/overlay2/l/ZK3L2:/var/lib/docker/overlay2/l/7QW4P,"
                    + "upperdir=/var/lib/docker/overlay2/3f1c9a2b7d0e/diff,"
                    + "workdir=/var/lib/docker/overlay2/3f1c9a2b7d0e/work",
                size: 104_806_400, free: 94_983_060),
            mount(
                "/run/user/0", "tmpfs", "tmpfs", "rw,nosuid,nodev,relatime,size=13159528k,mode=700",
                size: 13_159_528, free: 13_159_528),
        ]
        facts.numaNodes = 4
        facts.irqbalanceRunning = true
        return DumpFixture(
            name: "kylin-v10", nodeSeconds: 1_700_014_400.000123456, clockHasFraction: true, facts: facts)
    }()

    /// BusyBox userland without PAM or systemd: `date` prints `%N`, no limits files, no THP file, no NUMA
    /// directory, chronyd not running (so nothing tells the clock).
    static let alpine319: DumpFixture = {
        var facts = NodeFacts(
            osID: "alpine", osVersion: "3.19.1", systemdVersion: nil, kernelRelease: "6.6.14-0-virt", cpuCount: 1,
            memoryTotalBytes: kib(2_029_672), swapTotalBytes: kib(1_048_572), transparentHugePages: nil,
            selinuxMode: "disabled", clockSynchronized: nil, hostname: "alpine-edge01")
        facts.selinuxConfigMode = "disabled"
        facts.timezone = "Asia/Shanghai"
        facts.nofileSoft = .limited(1024)
        facts.nofileHard = .limited(4096)
        facts.nprocSoft = .limited(7761)
        facts.nprocHard = .limited(7761)
        facts.limitsRules = []
        facts.sysctl = sysctl(fileMax: "202906", swappiness: "60", minFreeKbytes: "5698", somaxconn: "4096")
        facts.cpuGovernors = []
        facts.listeningTCP = ["0.0.0.0:22", "0.0.0.0:80", "127.0.0.1:6379", "[::]:22", "[::]:80"]
        facts.firewall = "none"
        facts.mounts = [
            mount("/", "/dev/vda3", "ext4", "rw,relatime", size: 18_982_360, free: 17_381_012),
            mount(
                "/dev/shm", "shm", "tmpfs", "rw,nosuid,nodev,noexec,relatime,inode64", size: 1_014_836,
                free: 1_014_836),
            mount(
                "/run", "tmpfs", "tmpfs",
                "rw,nosuid,nodev,noexec,relatime,size=405936k,nr_inodes=819200,mode=755,inode64",
                size: 405_936, free: 405_700),
            mount("/boot", "/dev/vda1", "ext4", "rw,relatime", size: 277_527, free: 230_429),
        ]
        facts.numaNodes = 1
        facts.irqbalanceRunning = false
        return DumpFixture(name: "alpine-3.19", nodeSeconds: 1_700_018_000, clockHasFraction: false, facts: facts)
    }()
}
