import Foundation
import Testing

@testable import CheckDomain

/// The collector's judgement of a dump, and the facts' JSON form.
@Suite struct FactCollectorTests {
    @Test func theClockOffsetIsBoundedByHalfTheRoundTrip() throws {
        let dump = FactDump(sources: [:], nodeTime: .init(seconds: 1_000.25, hasFraction: true))
        let exchange = FactCollector.ClockExchange(
            sent: Date(timeIntervalSince1970: 1_000), received: Date(timeIntervalSince1970: 1_000.1))
        let facts = FactCollector.facts(from: dump, exchange: exchange, collectedAt: Date())
        #expect(facts.clockOffsetSeconds == 0.2)
        #expect(facts.clockOffsetErrorSeconds == 0.05)
        // Whole seconds only (BusyBox's date): the node's time lies anywhere in that second.
        let coarse = FactDump(sources: [:], nodeTime: .init(seconds: 1_000, hasFraction: false))
        let coarseFacts = FactCollector.facts(from: coarse, exchange: exchange, collectedAt: Date())
        #expect(coarseFacts.clockOffsetSeconds == 0.45)
        #expect(coarseFacts.clockOffsetErrorSeconds == 0.55)
        // No exchange (a dump stored with --raw): unknown.
        #expect(FactCollector.facts(from: dump, exchange: nil, collectedAt: Date()).clockOffsetSeconds == nil)
    }

    @Test func anEmptyDumpTellsNothingButWhatIsAbsentByNature() {
        let facts = FactCollector.facts(from: FactDump(sources: [:]), exchange: nil, collectedAt: Date())
        #expect(facts.osID == nil && facts.kernelRelease == nil && facts.memoryTotalBytes == nil)
        #expect(facts.clockSynchronized == nil && facts.selinuxMode == nil && facts.cpuGovernors == nil)
        let absent = FactDump(sources: [
            "/sys/fs/selinux/enforce": .missing, "/etc/selinux/config": .missing,
            "governors": .command(output: "", status: 2), "/sys/devices/system/node": .missing,
        ])
        let facts2 = FactCollector.facts(from: absent, exchange: nil, collectedAt: Date())
        #expect(facts2.selinuxMode == "disabled" && facts2.selinuxConfigMode == "disabled")
        #expect(facts2.cpuGovernors == [])
        #expect(facts2.numaNodes == 1)
    }

    @Test func aRunningPhc2sysIsASynchronisedClockAndEveryCollectedKernelSettingIsRead() {
        let dump = FactDump(sources: [
            "timedatectl": .command(output: "System clock synchronized: no", status: 0),
            "phc2sys": .command(output: "4242", status: 0),
            "sysctl": .command(
                output: "vm/swappiness:1\nkernel/threads-max:192739\nnet/ipv4/tcp_tw_reuse:2", status: 2),
        ])
        let facts = FactCollector.facts(from: dump, exchange: nil, collectedAt: Date())
        #expect(facts.clockSynchronized == true)
        #expect(facts.sysctl == ["vm.swappiness": "1", "kernel.threads-max": "192739", "net.ipv4.tcp_tw_reuse": "2"])
        var stopped = dump
        stopped.sources["phc2sys"] = .command(output: "", status: 1)
        #expect(FactCollector.facts(from: stopped, exchange: nil, collectedAt: Date()).clockSynchronized == false)
        // The script reads every setting check_sysctl may judge, by its path under /proc/sys.
        for setting in CollectionScript.kernelSettings {
            #expect(CollectionScript.body.contains(String(setting.map { $0 == "." ? "/" : $0 })), "\(setting)")
        }
    }

    @Test func theScriptRunLocallyDescribesThisMachine() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-s"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(CollectionScript.whole.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let facts = FactCollector.facts(from: try FactDump(parsing: data), exchange: nil, collectedAt: Date())
        let release = try String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)
        #expect(facts.kernelRelease == release.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(facts.cpuCount == Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let meminfo = try String(contentsOfFile: "/proc/meminfo", encoding: .utf8)
        let memTotalKB = try #require(meminfo.firstMatch(of: /MemTotal:\s+(\d+) kB/).flatMap { Int64($0.1) })
        #expect(facts.memoryTotalBytes == memTotalKB * 1024)
        #expect(facts.sysctl?["vm.swappiness"] != nil)
        #expect(facts.mounts?.contains { $0.mountPoint == "/" } == true)
        #expect(facts.nofileSoft != nil && facts.nprocHard != nil)
    }

    @Test func factsRoundTripThroughJSONWithUnknownsAsNull() throws {
        let facts = NodeFacts(
            osID: "centos", osVersion: "7.9.2009", systemdVersion: 219,
            collectedAt: Date(timeIntervalSince1970: 1_700_000_000))
        let json = String(decoding: try facts.jsonData(), as: UTF8.self)
        #expect(json.contains("\"kernel_release\":null"))
        #expect(json.contains("\"collected_at\":\"2023-11-14T22:13:20Z\""))
        #expect(try NodeFacts(jsonData: Data(json.utf8)) == facts)
        // A misspelt fact is refused, never stored as if every fact were unknown.
        #expect(throws: DecodingError.self) { try NodeFacts(jsonData: Data(#"{"cpu_cnt": 8}"#.utf8)) }
    }

    /// Foundation's `JSONDecoder` reports a malformed time without its key, and a number that does not fit (1.5 for
    /// an integer, 1e999) as "not valid JSON" at no path at all; the facts name the key, so that `nodes facts` and
    /// `nodes import` can say `collected_at` (`facts.collected_at`), not just that something is wrong.
    @Test(arguments: [
        (#"{"collected_at": "yesterday"}"#, ["collected_at"]),
        (#"{"collected_at": 1700000000}"#, ["collected_at"]),
        (#"{"cpu_count": 1.5}"#, ["cpu_count"]),
        (#"{"memory_total_bytes": 1e40}"#, ["memory_total_bytes"]),
        (#"{"clock_offset_seconds": 1e999}"#, ["clock_offset_seconds"]),
        (
            #"{"mounts": [{"mount_point": "/", "device": "d", "fs_type": "xfs", "options": "rw", "size_bytes": 0.5}]}"#,
            ["mounts", "0", "size_bytes"]
        ),
    ])
    func aBadValueIsRefusedAtItsKey(_ json: String, _ expectedPath: [String]) throws {
        let error = try #require(throws: DecodingError.self) { try NodeFacts(jsonData: Data(json.utf8)) }
        let path: [any CodingKey]
        switch error {
        case .dataCorrupted(let context), .typeMismatch(_, let context): path = context.codingPath
        default: path = []
        }
        #expect(path.map { $0.intValue.map(String.init) ?? $0.stringValue } == expectedPath, "\(error)")
    }

    @Test func timesAndNumbersThatFitAreRead() throws {
        // The form the facts are written in reads back, and so does a time with its offset.
        for time in ["2026-11-01T00:00:00Z", "2026-11-01T08:00:00+08:00"] {
            let facts = try NodeFacts(jsonData: Data(#"{"collected_at": "\#(time)"}"#.utf8))
            #expect(facts.collectedAt == Date(timeIntervalSince1970: 1_793_491_200), "\(time)")
        }
        let numbers = try NodeFacts(
            jsonData: Data(#"{"cpu_count": 1e3, "memory_total_bytes": 9223372036854775807, "numa_nodes": null}"#.utf8))
        #expect(numbers.cpuCount == 1_000 && numbers.memoryTotalBytes == Int64.max && numbers.numaNodes == nil)
    }
}
