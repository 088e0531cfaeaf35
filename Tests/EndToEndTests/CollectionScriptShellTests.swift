import CheckDomain
import Foundation
import Testing

/// The collection script as the built binary prints it (`fcgi-check facts --script`), run the way a node runs it
/// (`sh -s`, the script on standard input) under `dash`, `bash`, BusyBox `sh`, and BusyBox `sh` with nothing but
/// BusyBox's applets to call: every run's output parses, every run gives this machine's facts, and no run leaves a
/// file behind. (`CheckDomainTests.CollectionScriptTests` reads the script's text.)
@Suite(.ownThreads) struct CollectionScriptShellTests {
    /// One way to run the script.
    struct Shell: CustomStringConvertible {
        var name: String
        /// The shell's argv, before `-s`.
        var command: [String]
        /// `PATH` in the shell's environment.
        var path: String
        /// Whether the script is changed to keep to `PATH` (see `busyBoxOnly(_:)`).
        var busyBoxOnly = false
        var description: String { name }
    }

    /// One run's result.
    struct Run {
        var shell: Shell
        var dump: FactDump
        /// The facts as JSON values by key, without what differs from one moment to the next.
        var facts: [String: Any]
    }

    /// What differs between two runs on the same machine by nature: the collection time and clock offset (no
    /// exchange here), the listening sockets (the tests running beside this one open and close theirs; each run's
    /// list is checked for itself), and free space (mounts are compared without it).
    static let momentaryFacts: Set = [
        "collected_at", "clock_offset_seconds", "clock_offset_error_seconds", "listening_tcp",
    ]

    /// The facts read through tools BusyBox does not have (`systemctl`, `timedatectl`, `chronyc`, `ntpstat`,
    /// `iptables`, `nft`): with BusyBox alone they may be unknown, never another value.
    static let factsBeyondBusyBox: Set = ["systemd_version", "clock_synchronized", "timezone", "firewall"]

    /// The one line by which the script puts the usual system directories before the caller's `PATH`.
    static let systemPathLine = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH; export PATH"

    /// The script with its `PATH` line taken out, so that it finds nothing but the BusyBox applets in the caller's
    /// `PATH`. On Alpine those directories hold BusyBox's applets; on this Debian machine they hold GNU coreutils and
    /// systemd's tools, which would otherwise answer instead of BusyBox's.
    static func busyBoxOnly(_ script: String) throws -> String {
        let lines = script.split(separator: "\n", omittingEmptySubsequences: false)
        let matching = lines.indices.filter { lines[$0] == systemPathLine }
        try #require(matching.count == 1, "the script's PATH line changed; this test takes it out: \(systemPathLine)")
        return lines.enumerated().filter { $0.offset != matching[0] }.map(\.element).joined(separator: "\n")
    }

    /// A directory of symbolic links to BusyBox, one per applet (`busybox --install -s`).
    static func busyBoxApplets(in directory: URL) throws -> (busybox: String, applets: URL) {
        let busybox = try #require(
            ["/usr/bin/busybox", "/bin/busybox"].first { FileManager.default.isExecutableFile(atPath: $0) },
            "BusyBox is not installed (apt-get install busybox); the collection script is tested under it")
        let applets = directory.appendingPathComponent("busybox-applets")
        try FileManager.default.createDirectory(at: applets, withIntermediateDirectories: true)
        let installed = try CollectionEndToEndTests.Started(
            URL(fileURLWithPath: busybox), ["--install", "-s", applets.path], in: directory
        ).finish(within: .seconds(20))
        try #require(installed.status == 0, "busybox --install failed: \(installed.output)\(installed.errors)")
        for applet in ["sh", "date", "sed", "grep", "df", "readlink", "timeout"] {
            try #require(
                FileManager.default.fileExists(atPath: applets.appendingPathComponent(applet).path),
                "BusyBox has no \(applet) applet")
        }
        return (busybox, applets)
    }

    /// Runs `script` under `shell`, with nothing of the test runner's environment: `PATH`, and a `HOME`, working
    /// directory and `TMPDIR` of its own, empty; `HOME` and the working directory read-only (which binds only a user
    /// other than root: CI runs as root, so the test also checks that all three stay empty). Its output must parse.
    static func run(_ script: String, under shell: Shell, in directory: URL) throws -> Run {
        let base = directory.appendingPathComponent("run-\(UUID().uuidString.prefix(8))")
        let home = base.appendingPathComponent("home")
        let work = base.appendingPathComponent("work")
        let temporary = base.appendingPathComponent("tmp")
        for (place, mode) in [(home, 0o555), (work, 0o555), (temporary, 0o700)] {
            try FileManager.default.createDirectory(
                at: place, withIntermediateDirectories: true, attributes: [.posixPermissions: mode])
        }
        defer {
            for place in [home, work] {
                try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: place.path)
            }
        }
        let started = try CollectionEndToEndTests.Started(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "-i", "-C", work.path, "PATH=\(shell.path)", "HOME=\(home.path)", "TMPDIR=\(temporary.path)",
            ] + shell.command + ["-s"],
            input: script, in: base)
        let outcome = try started.finish(within: .seconds(60))
        #expect(outcome.status == 0, "\(shell): exit \(outcome.status): \(outcome.errors)")
        #expect(outcome.errors.isEmpty, "\(shell) wrote to standard error: \(outcome.errors.prefix(2_000))")
        for place in [home, work, temporary] {
            let left = (try? FileManager.default.contentsOfDirectory(atPath: place.path)) ?? ["(unreadable)"]
            #expect(left.isEmpty, "\(shell) left \(left) in \(place.lastPathComponent)")
        }

        let bytes = try Data(contentsOf: started.process.logURL)
        let dump: FactDump
        do {
            dump = try FactDump(parsing: bytes)
        } catch {
            Issue.record("\(shell): \(error): “\(String(decoding: bytes.prefix(2_000), as: UTF8.self))”")
            throw error
        }
        let facts = FactCollector.facts(from: dump, exchange: nil, collectedAt: Date(timeIntervalSince1970: 0))
        var values: [String: Any] = try CollectionEndToEndTests.json(
            String(decoding: try facts.jsonData(), as: UTF8.self))
        // Read, whatever listens at the moment: a list of addresses (empty when nothing listens).
        let sockets = try #require(values["listening_tcp"] as? [String], "\(shell): no listening sockets read")
        #expect(sockets.allSatisfy { $0.contains(":") }, "\(shell): sockets \(sockets)")
        for key in momentaryFacts { values[key] = nil }
        values["mounts"] = CollectionEndToEndTests.withoutFreeSpace(values["mounts"])
        return Run(shell: shell, dump: dump, facts: values)
    }

    /// Where `run`'s facts differ from `reference`'s, as `key: value here, value there`.
    static func differences(_ run: Run, from reference: Run) -> [String] {
        let canonical = CollectionEndToEndTests.canonical
        return Set(run.facts.keys).union(reference.facts.keys).sorted().compactMap { key in
            let (mine, theirs) = (canonical(run.facts[key]), canonical(reference.facts[key]))
            if mine == theirs { return nil }
            // Without BusyBox's missing tools a fact may be unknown, but never another value.
            if run.shell.busyBoxOnly && factsBeyondBusyBox.contains(key) && mine == "null" { return nil }
            return "\(key): \(mine) under \(run.shell), \(theirs) under \(reference.shell)"
        }
    }

    @Test func theScriptGivesTheSameFactsUnderDashBashAndBusyBoxAndWritesNothing() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let printed = try CollectionEndToEndTests.fcgiCheck(["facts", "--script"], in: directory)
        try #require(printed.status == 0, "fcgi-check facts --script: \(printed.errors)")
        let script = printed.output
        #expect(script == CollectionScript.whole, "the binary prints another script than the one its parser reads")
        #expect(script.hasPrefix("#!/bin/sh\n"))
        let (busybox, applets) = try Self.busyBoxApplets(in: directory)
        let shells = [
            Shell(name: "dash", command: ["/bin/dash"], path: "/usr/bin:/bin"),
            Shell(name: "bash", command: ["/bin/bash"], path: "/usr/bin:/bin"),
            Shell(name: "busybox sh", command: [busybox, "sh"], path: "/usr/bin:/bin"),
            Shell(
                name: "BusyBox alone", command: [applets.appendingPathComponent("sh").path], path: applets.path,
                busyBoxOnly: true),
        ]
        let busyBoxScript = try Self.busyBoxOnly(script)

        // Listening sockets are this machine's at one moment, and other tests open and close theirs meanwhile: a
        // round whose runs differ in those alone is run again (at most three rounds).
        var runs: [Run] = []
        var differing: [String] = []
        for _ in 1...3 {
            runs = try shells.map { shell in
                try Self.run(shell.busyBoxOnly ? busyBoxScript : script, under: shell, in: directory)
            }
            differing = runs.dropFirst().flatMap { Self.differences($0, from: runs[0]) }
            if !differing.allSatisfy({ $0.hasPrefix("listening_tcp:") }) || differing.isEmpty { break }
        }
        #expect(differing.isEmpty, "the shells disagree: \(differing.joined(separator: "; "))")

        // What this machine is, whatever the shell; and each run read what it was meant to.
        let reference = runs[0]
        let release = try String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)
        #expect(reference.facts["kernel_release"] as? String == release.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(reference.facts["cpu_count"] as? Int == Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        for key in ["os_id", "hostname", "memory_total_bytes", "sysctl", "mounts", "nofile_soft", "numa_nodes"] {
            #expect(
                !(reference.facts[key] is NSNull) && reference.facts[key] != nil, "\(key) unknown: \(reference.facts)")
        }
        for run in runs {
            let time = try #require(run.dump.nodeTime, "\(run.shell): no clock line")
            #expect(abs(time.seconds - Date().timeIntervalSince1970) < 60, "\(run.shell): clock \(time.seconds)")
            // BusyBox's date has no %N: whole seconds, which the collector knows to widen its bound for.
            #expect(time.hasFraction == !run.shell.busyBoxOnly, "\(run.shell): fraction \(time.hasFraction)")
            for command in ["sysctl", "df", "localtime-link", "irqbalance"] {
                guard case .command = run.dump.sources[command] else {
                    Issue.record(
                        "\(run.shell): \(command) did not run: \(String(describing: run.dump.sources[command]))")
                    continue
                }
            }
        }
        // Alone with BusyBox, the script finds none of the system's own tools.
        let alone = try #require(runs.last)
        for command in ["systemctl-version", "timedatectl", "firewalld-active"] {
            #expect(alone.dump.sources[command] == .absent, "\(command) found beside BusyBox: the PATH leaked")
        }
    }
}
