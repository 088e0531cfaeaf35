import Foundation
import Testing

@testable import CheckDomain

/// The collector on this very machine, checked against what the machine says through other means.
@Suite struct FactCollectorTests {
    func command(_ path: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func collectsWhatThisMachineReallyHas() throws {
        let facts = FactCollector().collect()
        #expect(facts.kernelRelease == (try command("/bin/uname", ["-r"])))
        #expect(facts.cpuCount == Int(try command("/usr/bin/getconf", ["_NPROCESSORS_ONLN"])))
        #expect(facts.hostname == (try command("/bin/hostname", [])))
        let meminfo = try String(contentsOfFile: "/proc/meminfo", encoding: .utf8)
        let memTotalKB = try #require(meminfo.firstMatch(of: /MemTotal:\s+(\d+) kB/).flatMap { Int64($0.1) })
        #expect(facts.memoryTotalBytes == memTotalKB * 1024)
        let osRelease = FactParsers.osRelease(try String(contentsOfFile: "/etc/os-release", encoding: .utf8))
        #expect(facts.osID == osRelease["ID"])
        #expect(facts.osVersion?.hasPrefix(osRelease["VERSION_ID"] ?? "?") == true)
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/systemctl")
            || FileManager.default.isExecutableFile(atPath: "/bin/systemctl")
        {
            #expect(facts.systemdVersion != nil)
        } else {
            #expect(facts.systemdVersion == nil)
        }
        #expect(facts.collectedAt.map { abs($0.timeIntervalSinceNow) < 60 } == true)
        // The clock: what the kernel tells another asker (Python's ctypes calling adjtimex; struct timex's maxerror,
        // in microseconds, is its fourth word on 64-bit Linux), judged as timedated judges it.
        let kernel = try command(
            "/usr/bin/env",
            [
                "python3", "-c",
                "import ctypes; b = ctypes.create_string_buffer(512); "
                    + "r = ctypes.CDLL(None, use_errno=True).adjtimex(b); "
                    + "print('unknown' if r < 0 else int.from_bytes(b.raw[24:32], 'little', signed=True) < 16000000)",
            ])
        #expect(facts.clockSynchronized.map { "\($0 ? "True" : "False")" } ?? "unknown" == kernel)
    }

    @Test func theClockFactIsWhatItsSourceSays() {
        for answer in [true, false, nil] as [Bool?] {
            let collector = FactCollector(
                readFile: { _ in nil }, exists: { _ in false }, run: { _, _ in nil }, now: { Date() },
                clockSynchronized: { answer })
            #expect(collector.collect().clockSynchronized == answer)
        }
    }

    @Test func unreadableSourcesStayUnknown() {
        let collector = FactCollector(
            readFile: { _ in nil }, exists: { _ in false }, run: { _, _ in nil },
            now: { Date(timeIntervalSince1970: 0) })
        let facts = collector.collect()
        #expect(
            facts.osID == nil && facts.osVersion == nil && facts.systemdVersion == nil && facts.kernelRelease == nil)
        #expect(facts.memoryTotalBytes == nil && facts.swapTotalBytes == nil && facts.transparentHugePages == nil)
        #expect(facts.clockSynchronized == nil)
        // No SELinux filesystem is a fact in itself: SELinux is not enforcing there.
        #expect(facts.selinuxMode == "disabled")
    }

    @Test func factsRoundTripThroughJSONWithUnknownsAsNull() throws {
        let facts = NodeFacts(
            osID: "centos", osVersion: "7.9.2009", systemdVersion: 219,
            collectedAt: Date(timeIntervalSince1970: 1_700_000_000))
        let json = String(decoding: try facts.jsonData(), as: UTF8.self)
        #expect(json.contains("\"kernel_release\":null"))
        #expect(json.contains("\"collected_at\":\"2023-11-14T22:13:20Z\""))
        #expect(try NodeFacts(jsonData: Data(json.utf8)) == facts)
        // Keys from a newer collector are ignored; missing keys are unknown.
        #expect(try NodeFacts(jsonData: Data(#"{"os_id":"rhel","future_fact":[1,2]}"#.utf8)) == NodeFacts(osID: "rhel"))
    }
}
