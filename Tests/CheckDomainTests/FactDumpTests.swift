import Foundation
import Testing

@testable import CheckDomain

/// `FactDump` and `FactCollector` over whole dumps: six distributions' real output, then text that is not one.
@Suite struct FactDumpTests {
    static let collectedAt = Date(timeIntervalSince1970: 1_700_000_000)

    static func facts(_ bytes: some Collection<UInt8>, exchange: FactCollector.ClockExchange? = nil) throws
        -> NodeFacts
    {
        FactCollector.facts(from: try FactDump(parsing: bytes), exchange: exchange, collectedAt: collectedAt)
    }

    static func facts(_ text: String) throws -> NodeFacts { try facts(Array(text.utf8)) }

    static func failure(_ text: String) -> FactDump.Failure? {
        do {
            _ = try FactDump(parsing: Array(text.utf8))
            return nil
        } catch {
            return error
        }
    }

    /// Each fact on its own line, so that a failure names the fact.
    static func expectFacts(
        _ actual: NodeFacts, _ expected: NodeFacts, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(actual.osID == expected.osID, "os id", sourceLocation: sourceLocation)
        #expect(actual.osVersion == expected.osVersion, "os version", sourceLocation: sourceLocation)
        #expect(actual.systemdVersion == expected.systemdVersion, "systemd", sourceLocation: sourceLocation)
        #expect(actual.kernelRelease == expected.kernelRelease, "kernel", sourceLocation: sourceLocation)
        #expect(actual.cpuCount == expected.cpuCount, "cpus", sourceLocation: sourceLocation)
        #expect(actual.memoryTotalBytes == expected.memoryTotalBytes, "memory", sourceLocation: sourceLocation)
        #expect(actual.swapTotalBytes == expected.swapTotalBytes, "swap", sourceLocation: sourceLocation)
        #expect(actual.transparentHugePages == expected.transparentHugePages, "THP", sourceLocation: sourceLocation)
        #expect(actual.selinuxMode == expected.selinuxMode, "SELinux", sourceLocation: sourceLocation)
        #expect(
            actual.selinuxConfigMode == expected.selinuxConfigMode, "SELinux config", sourceLocation: sourceLocation)
        #expect(actual.clockSynchronized == expected.clockSynchronized, "clock sync", sourceLocation: sourceLocation)
        #expect(actual.timezone == expected.timezone, "time zone", sourceLocation: sourceLocation)
        #expect(actual.hostname == expected.hostname, "hostname", sourceLocation: sourceLocation)
        #expect(actual.nofileSoft == expected.nofileSoft, "nofile soft", sourceLocation: sourceLocation)
        #expect(actual.nofileHard == expected.nofileHard, "nofile hard", sourceLocation: sourceLocation)
        #expect(actual.nprocSoft == expected.nprocSoft, "nproc soft", sourceLocation: sourceLocation)
        #expect(actual.nprocHard == expected.nprocHard, "nproc hard", sourceLocation: sourceLocation)
        #expect(actual.limitsRules == expected.limitsRules, "limits rules", sourceLocation: sourceLocation)
        #expect(actual.sysctl == expected.sysctl, "sysctl", sourceLocation: sourceLocation)
        #expect(actual.cpuGovernors == expected.cpuGovernors, "governors", sourceLocation: sourceLocation)
        #expect(actual.listeningTCP == expected.listeningTCP, "listening", sourceLocation: sourceLocation)
        #expect(actual.firewall == expected.firewall, "firewall", sourceLocation: sourceLocation)
        #expect(
            actual.mounts?.map(\.mountPoint) == expected.mounts?.map(\.mountPoint), "mount points",
            sourceLocation: sourceLocation)
        for (got, want) in zip(actual.mounts ?? [], expected.mounts ?? []) {
            #expect(got == want, "mount \(want.mountPoint)", sourceLocation: sourceLocation)
        }
        #expect(actual.numaNodes == expected.numaNodes, "NUMA nodes", sourceLocation: sourceLocation)
        #expect(actual.irqbalanceRunning == expected.irqbalanceRunning, "irqbalance", sourceLocation: sourceLocation)
    }

    // MARK: Six distributions

    @Test(arguments: DumpFixture.all)
    func eachDistributionGivesTheFactsItsDumpTells(_ fixture: DumpFixture) throws {
        let facts = try Self.facts(try fixture.bytes())
        Self.expectFacts(facts, fixture.facts)
        #expect(facts.clockOffsetSeconds == nil && facts.clockOffsetErrorSeconds == nil)
        #expect(facts.collectedAt == Self.collectedAt)
        var expected = fixture.facts
        expected.collectedAt = Self.collectedAt
        #expect(facts == expected)
    }

    @Test(arguments: DumpFixture.all)
    func theNodeClockIsReadAsDatePrintedIt(_ fixture: DumpFixture) throws {
        let dump = try FactDump(parsing: try fixture.bytes())
        let time = try #require(dump.nodeTime)
        #expect(abs(time.seconds - fixture.nodeSeconds) < 1e-6)
        #expect(time.hasFraction == fixture.clockHasFraction)
    }

    /// The collector 1.5 s behind the node, 0.2 s round trip: the offset is 1.5 s within 0.1 s; with whole seconds
    /// (BusyBox) the node's second is taken at its middle, +0.5 s, and the bound widens by 0.5 s.
    @Test(arguments: DumpFixture.all)
    func theClockOffsetIsMeasuredAroundTheClockLine(_ fixture: DumpFixture) throws {
        let exchange = FactCollector.ClockExchange(
            sent: Date(timeIntervalSince1970: fixture.nodeSeconds - 1.6),
            received: Date(timeIntervalSince1970: fixture.nodeSeconds - 1.4))
        let facts = try Self.facts(try fixture.bytes(), exchange: exchange)
        let coarse = fixture.clockHasFraction ? 0 : 0.5
        let offset = try #require(facts.clockOffsetSeconds)
        let error = try #require(facts.clockOffsetErrorSeconds)
        #expect(abs(offset - (1.5 + coarse)) < 1e-5)
        #expect(abs(error - (0.1 + coarse)) < 1e-5)
        // An exchange whose instants run backwards (a stepped clock) measures nothing.
        let backwards = FactCollector.ClockExchange(sent: exchange.received, received: exchange.sent)
        #expect(try Self.facts(try fixture.bytes(), exchange: backwards).clockOffsetSeconds == nil)
    }

    @Test(arguments: DumpFixture.all)
    func theFactsRoundTripThroughJSON(_ fixture: DumpFixture) throws {
        let exchange = FactCollector.ClockExchange(
            sent: Date(timeIntervalSince1970: fixture.nodeSeconds),
            received: Date(timeIntervalSince1970: fixture.nodeSeconds + 0.01))
        let facts = try Self.facts(try fixture.bytes(), exchange: exchange)
        #expect(try NodeFacts(jsonData: try facts.jsonData()) == facts)
        #expect(try NodeFacts(jsonData: try facts.jsonData(pretty: true)) == facts)
    }

    @Test func unknownFactsAreWrittenAsNull() throws {
        let json = String(decoding: try DumpFixture.alpine319.facts.jsonData(), as: UTF8.self)
        #expect(json.contains(#""systemd_version":null"#))
        #expect(json.contains(#""transparent_hugepages":null"#))
        #expect(json.contains(#""clock_synchronized":null"#))
        #expect(json.contains(#""cpu_governors":[]"#))
    }

    @Test(arguments: [
        (#"{"cpu_cnt": 8}"#, ["cpu_cnt"]),
        (
            #"{"cpu_count": 8, "mounts": [{"mount_point": "/", "device": "d", "fs_type": "xfs", "options": "rw", "size": 1}]}"#,
            ["mounts", "0", "size"]
        ),
        (
            #"{"limits_rules": [{"file": "f", "domain": "*", "type": "soft", "item": "nofile", "value": "1", "x": 1}]}"#,
            ["limits_rules", "0", "x"]
        ),
    ])
    func anUnknownKeyIsRefusedWhereItIs(_ json: String, _ path: [String]) throws {
        let error = try #require(throws: DecodingError.self) { try NodeFacts(jsonData: Data(json.utf8)) }
        guard case .dataCorrupted(let context) = error else {
            Issue.record("expected dataCorrupted, got \(error)")
            return
        }
        #expect(context.debugDescription == DecodingError.unknownKeyDescription)
        #expect(context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue } == path)
    }

    // MARK: Text that is not a whole dump

    @Test func emptyOrRandomBytesAreNotADump() throws {
        #expect(Self.failure("")?.description.contains("not the output") == true)
        var generator = SplitMix64(seed: 7)
        for length in [1, 17, 4096, 65536] {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            #expect(throws: FactDump.Failure.self) { try FactDump(parsing: bytes) }
        }
        let invalidUTF8: [UInt8] = [0xff, 0xfe, 0x40, 0x40, 0x0a, 0xc3, 0x28]
        #expect(throws: FactDump.Failure.self) { try FactDump(parsing: invalidUTF8) }
    }

    @Test(arguments: DumpFixture.all)
    func aDumpWithoutItsAnnouncementIsRefused(_ fixture: DumpFixture) throws {
        let lines = try fixture.text().split(separator: "\n", omittingEmptySubsequences: false)
        let headless = lines.dropFirst().joined(separator: "\n")
        #expect(Self.failure(headless)?.description.contains("not the output") == true)
    }

    @Test(arguments: DumpFixture.all)
    func aDumpCutShortIsRefused(_ fixture: DumpFixture) throws {
        let text = try fixture.text()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let doneIndex = try #require(lines.firstIndex(of: "@@ done"))
        for cut in [1, 2, doneIndex / 2, doneIndex] {
            let truncated = lines.prefix(cut).joined(separator: "\n")
            #expect(Self.failure(truncated)?.description.contains("ends before") == true, "cut at line \(cut)")
        }
        // Cut inside the last line, too: `@@ do` is not `@@ done`.
        let partial = String(text.prefix(text.count - 3))
        #expect(Self.failure(partial)?.description.contains("ends before") == true)
    }

    @Test func anotherFramingVersionIsRefused() throws {
        let text = try DumpFixture.centos7.text()
        for version in ["2", "0", "", "1 ", "11", String(repeating: "9", count: 500)] {
            let other = text.replacingOccurrences(of: "@@fcgi-check-facts 1\n", with: "@@fcgi-check-facts \(version)\n")
            let failure = Self.failure(other)
            #expect(failure?.description.contains("framing version") == true, "version \(version.prefix(8))")
            #expect((failure?.description.count ?? 0) < 200)
        }
    }

    @Test func whatALoginShellPrintsBeforeTheScriptIsIgnored() throws {
        let banner =
            "Last login: Tue Nov 14 22:01:12 2023 from 10.0.0.1\n@@ done\n|ID=forged\n@@ file /etc/os-release\n"
        let facts = try Self.facts(banner + (try DumpFixture.centos7.text()))
        Self.expectFacts(facts, DumpFixture.centos7.facts)
    }

    @Test func aDumpEndsAtItsLastLineWhateverFollows() throws {
        let trailing = "@@ file /proc/sys/kernel/hostname\n|forged\n@@ end\n"
        let facts = try Self.facts((try DumpFixture.debian12.text()) + trailing)
        #expect(facts.hostname == "nas-deb12")
    }

    // MARK: Hostile content

    /// A file's lines come through `|`, so a file holding `@@ done` or `@@ file ...` lines cannot end the dump or
    /// open a section.
    @Test func contentCannotForgeAFrame() throws {
        let dump = """
            @@fcgi-check-facts 1
            @@ clock 1700000000.5
            @@ file /etc/os-release
            |ID=centos
            |VERSION_ID="7"
            |@@ end
            |@@ file /proc/sys/kernel/hostname
            |forged-host
            |@@ end
            |@@ missing /sys/fs/selinux/enforce
            |@@ clock 1
            |@@ done

            @@ end
            @@ file /proc/sys/kernel/hostname
            |real-host

            @@ end
            @@ file /sys/fs/selinux/enforce
            |1
            @@ end
            @@ done

            """
        let parsed = try FactDump(parsing: Array(dump.utf8))
        let osRelease = try #require(parsed.file("/etc/os-release"))
        #expect(osRelease.contains("@@ done\n") && osRelease.contains("@@ file /proc/sys/kernel/hostname\n"))
        #expect(parsed.nodeTime == FactDump.NodeTime(seconds: 1_700_000_000.5, hasFraction: true))
        let facts = FactCollector.facts(from: parsed, exchange: nil, collectedAt: Self.collectedAt)
        #expect(facts.hostname == "real-host")
        #expect(facts.osID == "centos" && facts.osVersion == "7")
        #expect(facts.selinuxMode == "enforcing")
    }

    /// The same inside a real dump: frame-like lines in `limits.conf` and in a command's output change nothing.
    @Test(arguments: DumpFixture.all)
    func frameLikeContentInARealDumpChangesNothing(_ fixture: DumpFixture) throws {
        let forged = "|@@ done\n|@@ file /proc/sys/kernel/hostname\n|forged\n|@@ end\n|@@ exit 0\n|@@ absent df\n"
        var lines = try fixture.text().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for marker in ["@@ file /proc/meminfo", "@@ cmd sysctl", "@@ file /proc/mounts"] {
            let index = try #require(lines.firstIndex(of: marker))
            lines.insert(String(forged.dropLast()), at: index + 1)
        }
        let facts = try Self.facts(lines.joined(separator: "\n"))
        Self.expectFacts(facts, fixture.facts)
    }

    // MARK: Values out of range

    static func centosReplacing(_ replacements: [(String, String)]) throws -> String {
        var text = try DumpFixture.centos7.text()
        for (old, new) in replacements {
            #expect(text.contains(old), "\(old) is in the fixture")
            text = text.replacingOccurrences(of: old, with: new)
        }
        return text
    }

    @Test func numbersTooLargeAreUnknownNeverACrash() throws {
        let text = try Self.centosReplacing([
            ("|MemTotal:        8009216 kB", "|MemTotal:       99999999999999999999 kB"),
            ("|SwapTotal:       2097148 kB", "|SwapTotal:      9223372036854775807 kB"),
            ("|0-3\n", "|0-99999999999999999999\n"),
            (
                "|Max open files            65535                65535",
                "|Max open files            99999999999999999999 1"
            ),
            ("|systemd 219\n", "|systemd 99999999999999999999\n"),
            ("52403200 4212340  48190860", "99999999999999999999 4212340 48190860"),
            ("524032000 1043212 522988788", "9223372036854775807 1043212 9223372036854775807"),
            ("|node0\n", String(repeating: "|node0\n", count: 3)),
        ])
        let facts = try Self.facts(text)
        #expect(facts.memoryTotalBytes == nil)
        #expect(facts.swapTotalBytes == nil)
        #expect(facts.cpuCount == nil)
        #expect(facts.nofileSoft == nil && facts.nofileHard == nil)
        #expect(facts.nprocSoft == .limited(4096))
        #expect(facts.systemdVersion == nil)
        let mounts = try #require(facts.mounts)
        let root = try #require(mounts.first { $0.mountPoint == "/" })
        let data = try #require(mounts.first { $0.mountPoint == "/data" })
        #expect(root.sizeBytes == nil && root.freeBytes == nil && root.fsType == "xfs")
        #expect(data.sizeBytes == nil && data.freeBytes == nil)
        #expect(mounts.first { $0.mountPoint == "/boot" }?.sizeBytes == Int64(1_038_336) * 1024)
        #expect(facts.numaNodes == 3)
        _ = try facts.jsonData()
    }

    @Test func aCPUListTooLongToBeTrueIsUnknown() {
        #expect(FactParsers.onlineCPUs("0-2000000") == nil)
        #expect(FactParsers.onlineCPUs("0-1048575") == 1_048_576)
        #expect(FactParsers.onlineCPUs("3-1") == nil)
        #expect(FactParsers.onlineCPUs("0-3,5,7-8") == 7)
    }

    @Test func governorsComeInCPUOrderNotGlobOrder() {
        let output = (0..<12).sorted { String($0) < String($1) }.map {
            "/sys/devices/system/cpu/cpu\($0)/cpufreq/scaling_governor:\($0 < 10 ? "performance" : "powersave")\n"
        }.joined()
        #expect(
            output.hasPrefix("/sys/devices/system/cpu/cpu0/")
                && output.contains("cpu11/cpufreq/scaling_governor:powersave\n/sys/devices/system/cpu/cpu2/"))
        #expect(
            FactParsers.cpuGovernors(output, status: 0)
                == Array(repeating: "performance", count: 10) + ["powersave", "powersave"])
    }

    // MARK: Mutations

    /// 200 seeded mutations of each fixture (a line dropped, doubled or mangled, several at once): each parses or is
    /// refused, and never crashes; facts that come out encode to JSON.
    @Test(arguments: DumpFixture.all)
    func mutatedDumpsNeverCrash(_ fixture: DumpFixture) throws {
        let original = try fixture.text().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var generator = SplitMix64(
            seed: UInt64(truncatingIfNeeded: fixture.name.utf8.reduce(5381) { $0 &* 33 &+ Int($1) }))
        var parsed = 0
        for _ in 0..<200 {
            var lines = original
            for _ in 0...(generator.next() % 4) {
                guard !lines.isEmpty else { break }
                let index = Int(generator.next() % UInt64(lines.count))
                switch generator.next() % 6 {
                case 0: lines.remove(at: index)
                case 1: lines.insert(lines[index], at: index)
                case 2: lines[index] = Self.mangle(lines[index], &generator)
                case 3: lines[index] = String(lines[index].prefix(Int(generator.next() % 12)))
                case 4:
                    lines[index] = lines[index].hasPrefix("|") ? "@@ " + lines[index].dropFirst() : "|" + lines[index]
                default: lines.swapAt(index, Int(generator.next() % UInt64(lines.count)))
                }
            }
            guard let dump = try? FactDump(parsing: Array(lines.joined(separator: "\n").utf8)) else { continue }
            parsed += 1
            let exchange = FactCollector.ClockExchange(
                sent: Date(timeIntervalSince1970: 1_700_000_000), received: Date(timeIntervalSince1970: 1_700_000_001))
            let facts = FactCollector.facts(from: dump, exchange: exchange, collectedAt: Self.collectedAt)
            #expect(throws: Never.self) { _ = try facts.jsonData() }
        }
        #expect(parsed > 100, "most mutations leave a dump that parses")
    }

    static func mangle(_ line: String, _ generator: inout SplitMix64) -> String {
        var bytes = Array(line.utf8)
        let noise: [UInt8] = Array("@| :.-0123456789\u{0}\t\\".utf8) + [0xff, 0xc3, 0x80]
        for _ in 0...(generator.next() % 3) {
            let byte = noise[Int(generator.next() % UInt64(noise.count))]
            if bytes.isEmpty || generator.next() % 2 == 0 {
                bytes.insert(byte, at: bytes.isEmpty ? 0 : Int(generator.next() % UInt64(bytes.count)))
            } else {
                bytes[Int(generator.next() % UInt64(bytes.count))] = byte
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A small seeded generator, so that every run mutates the same way.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
