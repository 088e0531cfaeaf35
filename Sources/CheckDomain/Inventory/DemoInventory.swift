/// The three nodes the reference service knows, for `fcgi-check serve --demo`.
///
/// Their OS and systemd versions are the reference's; the other facts are made up so that every check item has
/// something to show (node 3's clock state and offset, and every collection time, are unknown, and are listed as
/// such).
public struct DemoInventory: NodeInventory, NodeReader {
    /// The demo nodes by id.
    public static let nodes: [NodeID: Node] = [
        NodeID(1): Node(id: NodeID(1), name: "node1", host: "172.16.70.101", facts: node1),
        NodeID(2): Node(id: NodeID(2), name: "node2", host: "172.16.70.102", facts: node2),
        NodeID(3): Node(id: NodeID(3), name: "node3", host: "172.16.70.103", facts: node3),
    ]

    /// A well-kept bare-metal node, on an old CentOS.
    private static let node1: NodeFacts = {
        var facts = NodeFacts(
            osID: "centos", osVersion: "7.1", systemdVersion: 219, kernelRelease: "3.10.0-229.el7.x86_64",
            cpuCount: 8, memoryTotalBytes: 16_247_980_032, swapTotalBytes: 0, transparentHugePages: "never",
            selinuxMode: "disabled", clockSynchronized: true, hostname: "node1")
        facts.selinuxConfigMode = "disabled"
        facts.nofileSoft = .limited(1_048_576)
        facts.nofileHard = .limited(1_048_576)
        facts.nprocSoft = .unlimited
        facts.nprocHard = .unlimited
        facts.sysctl = sysctl(swappiness: "0", somaxconn: "32768", aioMaxNr: "1048576")
        facts.cpuGovernors = Array(repeating: "performance", count: 8)
        facts.listeningTCP = ["0.0.0.0:22", "[::]:22"]
        facts.firewall = "none"
        facts.timezone = "Asia/Shanghai"
        facts.clockOffsetSeconds = 0.003
        facts.clockOffsetErrorSeconds = 0.001
        facts.mounts = [
            Mount(
                mountPoint: "/", device: "/dev/sda2", fsType: "xfs", options: "rw,relatime", sizeBytes: 50 << 30,
                freeBytes: 40 << 30),
            Mount(
                mountPoint: "/data", device: "/dev/sdb1", fsType: "xfs", options: "rw,noatime", sizeBytes: 2 << 40,
                freeBytes: 1 << 40),
        ]
        facts.numaNodes = 2
        facts.irqbalanceRunning = true
        return facts
    }()

    /// A neglected node: low limits, default kernel settings, powersave, a firewall, port 5432 taken, a drifting
    /// clock, data on a small ext4 root.
    private static let node2: NodeFacts = {
        var facts = NodeFacts(
            osID: "centos", osVersion: "7.2", systemdVersion: 231, kernelRelease: "3.10.0-327.el7.x86_64",
            cpuCount: 2, memoryTotalBytes: 3_973_316_608, swapTotalBytes: 2_147_479_552,
            transparentHugePages: "always",
            selinuxMode: "permissive", clockSynchronized: false, hostname: "node2")
        facts.selinuxConfigMode = "enforcing"
        facts.nofileSoft = .limited(1024)
        facts.nofileHard = .limited(4096)
        facts.nprocSoft = .limited(4096)
        facts.nprocHard = .limited(15_595)
        facts.sysctl = sysctl(swappiness: "30", somaxconn: "128", aioMaxNr: "65536")
        facts.cpuGovernors = Array(repeating: "powersave", count: 2)
        facts.listeningTCP = ["0.0.0.0:22", "0.0.0.0:5432", "127.0.0.1:25", "[::]:22", "[::]:5432"]
        facts.firewall = "firewalld"
        facts.timezone = "Asia/Shanghai"
        facts.clockOffsetSeconds = -0.82
        facts.clockOffsetErrorSeconds = 0.004
        facts.mounts = [
            Mount(
                mountPoint: "/", device: "/dev/vda1", fsType: "ext4", options: "rw,relatime", sizeBytes: 40 << 30,
                freeBytes: 31 << 30)
        ]
        facts.numaNodes = 2
        facts.irqbalanceRunning = false
        return facts
    }()

    /// A VM that was never given a name: no cpufreq, UTC, `localhost`; its clock state unknown.
    private static let node3: NodeFacts = {
        var facts = NodeFacts(
            osID: "centos", osVersion: "7.3", systemdVersion: 231, kernelRelease: "3.10.0-514.el7.x86_64",
            cpuCount: 4, memoryTotalBytes: 8_201_400_320, swapTotalBytes: 0, transparentHugePages: "madvise",
            selinuxMode: "enforcing", hostname: "localhost")
        facts.selinuxConfigMode = "enforcing"
        facts.nofileSoft = .limited(65535)
        facts.nofileHard = .limited(65535)
        facts.nprocSoft = .limited(31_206)
        facts.nprocHard = .limited(31_206)
        facts.sysctl = sysctl(swappiness: "1", somaxconn: "32768", aioMaxNr: "1048576")
        facts.cpuGovernors = []
        facts.listeningTCP = ["0.0.0.0:22"]
        facts.firewall = "none"
        facts.timezone = "UTC"
        facts.mounts = [
            Mount(
                mountPoint: "/", device: "/dev/vda1", fsType: "xfs", options: "rw,relatime", sizeBytes: 20 << 30,
                freeBytes: 12 << 30),
            Mount(
                mountPoint: "/data", device: "/dev/vdb", fsType: "xfs", options: "rw,noatime", sizeBytes: 500 << 30,
                freeBytes: 480 << 30),
        ]
        facts.numaNodes = 1
        facts.irqbalanceRunning = false
        return facts
    }()

    /// Kernel settings with the defaults of `check_sysctl` kept, but for these three.
    private static func sysctl(swappiness: String, somaxconn: String, aioMaxNr: String) -> [String: String] {
        [
            "fs.file-max": "6529017", "fs.aio-max-nr": aioMaxNr, "vm.swappiness": swappiness,
            "vm.overcommit_memory": "0", "vm.max_map_count": "262144", "net.core.somaxconn": somaxconn,
        ]
    }

    /// Creates the demo inventory.
    public init() {}

    public func nodes(withIDs ids: [NodeID], deadline: ContinuousClock.Instant? = nil) -> [NodeID: Node] {
        var found: [NodeID: Node] = [:]
        for id in ids { found[id] = Self.nodes[id] }
        return found
    }

    /// The nodes with only `facts` known, as a SQLite inventory reads them for a request.
    public func nodes(withIDs ids: [NodeID], reading facts: FactSet, deadline: ContinuousClock.Instant?) -> [Node] {
        ids.compactMap { Self.nodes[$0]?.keeping(facts) }
    }

    public func nodeSummaries(deadline: ContinuousClock.Instant? = nil) -> [NodeSummary] {
        Self.nodes.values.sorted { $0.id.rawValue < $1.id.rawValue }.map(NodeSummary.init)
    }
}
