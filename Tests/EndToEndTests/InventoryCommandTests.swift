import Foundation
import Testing

/// The inventory commands on a real SQLite file, and the service reading that file through nginx.
@Suite(.ownThreads) struct InventoryCommandTests {
    struct Outcome {
        var status: Int32
        var output: String
    }

    /// Runs `fcgi-check ARGUMENTS` with `input` on standard input.
    func fcgiCheck(_ arguments: [String], input: String = "", in directory: URL) throws -> Outcome {
        let inputURL = directory.appendingPathComponent("stdin-\(UUID().uuidString.prefix(6))")
        try Data(input.utf8).write(to: inputURL)
        let inputHandle = try FileHandle(forReadingFrom: inputURL)
        defer { try? inputHandle.close() }
        let process = try ServiceProcess(
            executable: try TestEnvironment.binary(),
            arguments: arguments,
            logURL: directory.appendingPathComponent("out-\(UUID().uuidString.prefix(6))"),
            standardInput: inputHandle.fileDescriptor
        )
        let status = try #require(process.waitForExit(timeout: .seconds(30)), "fcgi-check \(arguments) did not exit")
        return Outcome(status: status, output: process.log)
    }

    static let referenceNodes = """
        [
          {"id": 1, "name": "node1", "host": "172.16.70.101", "facts": {"os_id": "centos", "os_version": "7.1", "systemd_version": 219}},
          {"id": 2, "name": "node2", "host": "172.16.70.102", "facts": {"os_id": "centos", "os_version": "7.2", "systemd_version": 231}},
          {"id": 3, "name": "node3", "host": "172.16.70.103", "facts": {"os_id": "centos", "os_version": "7.3", "systemd_version": 231}},
          {"id": 5, "name": "node5", "host": "10.0.0.5"}
        ]
        """

    @Test func fromAnEmptyMachineToACheckedClusterThroughNginx() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let inventory = directory.appendingPathComponent("inventory.sqlite").path

        let imported = try fcgiCheck(
            ["nodes", "import", "--inventory", inventory, "-"], input: Self.referenceNodes, in: directory)
        #expect(imported.status == 0 && imported.output.contains("imported 4 node(s)"), "\(imported.output)")
        // This machine's real facts, collected and attached as an operator would over ssh.
        let facts = try fcgiCheck(["facts"], in: directory)
        #expect(facts.status == 0)
        let attached = try fcgiCheck(
            ["nodes", "facts", "--inventory", inventory, "5", "-"], input: facts.output, in: directory)
        #expect(attached.status == 0, "\(attached.output)")
        let collected = try #require(
            try JSONSerialization.jsonObject(with: Data(facts.output.utf8)) as? [String: Any],
            "fcgi-check facts printed no JSON object: \(facts.output)"
        )
        let kernel = try #require(collected["kernel_release"] as? String)
        let listed = try fcgiCheck(["nodes", "list", "--inventory", inventory, "--format", "json"], in: directory)
        #expect(listed.output.contains("\"kernel_release\" : \"\(kernel)\""), "\(listed.output)")

        // Then facts of a known machine, so that the answer is exact.
        let rocky = #"{"os_id":"rocky","os_version":"9.4","systemd_version":252,"collected_at":"2026-11-01T00:00:00Z"}"#
        #expect(
            try fcgiCheck(["nodes", "facts", "--inventory", inventory, "5", "-"], input: rocky, in: directory).status
                == 0)

        let service = try NginxFrontedService(inventory: inventory)
        let body =
            #"{"name":"c1","members":[{"node_id":1,"name":"m1","host":"x","port":1},{"node_id":2,"name":"m2","host":"x","port":1},{"node_id":3,"name":"m3","host":"x","port":1},{"node_id":5,"name":"m5","host":"x","port":1}]}"#
        let first = try HTTPClient.post(port: service.port, body)
        #expect(first.status == 200)
        #expect(first.text == NginxContractTests.referenceResponse, "\(first.text)")

        // A change to the inventory is seen by the next request, without a restart.
        let old = #"{"os_id":"centos","os_version":"7.0","systemd_version":231}"#
        #expect(
            try fcgiCheck(["nodes", "facts", "--inventory", inventory, "5", "-"], input: old, in: directory).status == 0
        )
        let second = try HTTPClient.post(port: service.port, body)
        #expect(
            second.text
                == #"[{"name":"check_os_version","description":"检查操作系统版本","not_success_nodes":[{"node_id":1,"message":"172.16.70.101 操作系统版本过低, 当前系统版本为 7.1"},{"node_id":5,"message":"10.0.0.5 操作系统版本过低, 当前系统版本为 7.0"}]},{"name":"check_systemd_version","description":"检测 systemd 检查版本 >213 且 != 231","not_success_nodes":[{"node_id":2,"message":"172.16.70.102 当前 systemd 版本为:231"},{"node_id":3,"message":"172.16.70.103 当前 systemd 版本为:231"},{"node_id":5,"message":"10.0.0.5 当前 systemd 版本为:231"}]}]"#
        )

        // A node without facts never passes; a removed node is not found.
        #expect(
            try fcgiCheck(
                ["nodes", "add", "--inventory", inventory, "--id", "6", "--name", "node6", "--host", "10.0.0.6"],
                in: directory
            ).status == 0)
        #expect(try fcgiCheck(["nodes", "remove", "--inventory", inventory, "5"], in: directory).status == 0)
        let third = try HTTPClient.post(
            port: service.port,
            #"{"name":"c","members":[{"node_id":6,"name":"a","host":"x","port":1},{"node_id":5,"name":"b","host":"x","port":1}]}"#
        )
        #expect(third.status == 422)
        #expect(
            third.text
                == #"{"detail":[{"type":"node_not_found","loc":["body","members",1,"node_id"],"msg":"node_id: 5 未找到","input":5}]}"#
        )
        let fourth = try HTTPClient.post(
            port: service.port, #"{"name":"c","members":[{"node_id":6,"name":"a","host":"x","port":1}]}"#)
        #expect(fourth.text.contains(#"{"node_id":6,"message":"10.0.0.6 操作系统版本未知"}"#), "\(fourth.text)")
        #expect(fourth.text.contains(#"{"node_id":6,"message":"10.0.0.6 systemd 版本未知"}"#))
    }

    /// Inputs `nodes import -` refuses, each with what its message says after "rejected, nothing imported: ".
    static let refusedImports: [(input: String, message: String)] = [
        (
            #"[{"id":9,"name":"new","host":"h"},{"id":1,"name":"changed","host":7}]"#,
            #"entry 1, field "host": expected a string"#
        ),
        (#"[{"id":9,"name":"new","host":"h"},{"name":"x","host":"h"}]"#, #"entry 1, field "id": missing"#),
        (#"[{"id":"9","name":"n","host":"h"}]"#, #"entry 0, field "id": expected an integer"#),
        (#"[{"id":9.5,"name":"n","host":"h"}]"#, #"entry 0, field "id": invalid value (expected a whole number"#),
        (#"[{"id":9,"name":"","host":"h"}]"#, #"entry 0, field "name": must not be empty"#),
        (
            #"[{"id":9,"name":"a","host":"h"},{"id":9,"name":"b","host":"h"}]"#,
            #"entry 1, field "id": 9 appears twice"#
        ),
        (
            #"[{"id":1,"name":"node1","host":"h"},{"id":1,"name":"node1","host":"h"}]"#,
            #"entry 1, field "id": 1 appears twice"#
        ),
        (#"[{"id":9,"name":"n","host":"h","cpu_cnt":8}]"#, #"entry 0, field "cpu_cnt": unknown key"#),
        (#"[{"id":9,"name":"n","host":"h","facts":{"cpu_cnt":8}}]"#, #"entry 0, field "facts.cpu_cnt": unknown key"#),
        (
            #"[{"id":9,"name":"n","host":"h","facts":{"systemd_version":"219"}}]"#,
            #"entry 0, field "facts.systemd_version": expected an integer"#
        ),
        (
            #"[{"id":1,"name":"node1","host":"h","facts":{"collected_at":"yesterday"}}]"#,
            #"entry 0, field "facts.collected_at": invalid value (expected an ISO 8601 time"#
        ),
        (
            #"[{"id":9,"name":"n","host":"h","facts":{"cpu_count":1.5}}]"#,
            #"entry 0, field "facts.cpu_count": invalid value (expected a whole number"#
        ),
        (
            #"[{"id":9,"name":"n","host":"h","facts":{"mounts":[{"mount_point":"/","device":"d","fs_type":"xfs","options":"rw","size":1}]}}]"#,
            #"entry 0, field "facts.mounts[0].size": unknown key"#
        ),
        (#"[{"id":9,"name":"n","host":"h","facts":[]}]"#, #"entry 0, field "facts": expected a JSON object"#),
        (#"[{"id":9,"name":"n","host":"h","ssh_port":70000}]"#, #"entry 0, field "ssh_port": 70000 is not a port"#),
        (#"[{"id":9,"name":"n","host":"h","ssh_port":"22"}]"#, #"entry 0, field "ssh_port": expected an integer"#),
        (
            #"[{"id":9,"name":"n","host":"h","ssh_user":"-oProxyCommand=x"}]"#,
            #"entry 0, field "ssh_user": must not start with -"#
        ),
        (
            #"[{"id":9,"name":"n","host":"h","last_collect_at":"2026-13-01T00:00:00Z"}]"#,
            #"entry 0, field "last_collect_at": invalid value (expected an ISO 8601 time"#
        ),
        (#"{"id":9}"#, "expected a JSON array of nodes"),
        ("[{", "not valid JSON at line 1, column 3: Expecting property name enclosed in double quotes"),
        (
            "[\n  {\"id\": 9, \"name\": \"n\", \"host\": \"h\"}\n  {\"id\": 10, \"name\": \"m\", \"host\": \"h\"}\n]",
            "not valid JSON at line 3, column 3: Expecting ',' delimiter"
        ),
        ("", "not valid JSON at line 1, column 1: Expecting value"),
    ]

    /// Inputs `nodes facts 1 -` refuses, each with what its message says after "standard input is not the output of
    /// `fcgi-check facts`: ".
    static let refusedFacts: [(input: String, message: String)] = [
        (#"{"cpu_cnt": 8}"#, #"field "cpu_cnt": unknown key (not one this fcgi-check reads)"#),
        (#"{"collected_at": "yesterday"}"#, #"field "collected_at": invalid value (expected an ISO 8601 time"#),
        (#"{"collected_at": 1700000000}"#, #"field "collected_at": expected an ISO 8601 time"#),
        (#"{"cpu_count": "8"}"#, #"field "cpu_count": expected an integer"#),
        (#"{"cpu_count": 1.5}"#, #"field "cpu_count": invalid value (expected a whole number"#),
        (
            #"{"clock_offset_seconds": 1e999}"#,
            #"field "clock_offset_seconds": invalid value (expected a finite number"#
        ),
        (#"{"sysctl": {"vm.swappiness": 60}}"#, #"field "sysctl.vm.swappiness": expected a string"#),
        (#"{"nofile_soft": -1}"#, #"field "nofile_soft": invalid value (expected a number of at least 0"#),
        (#"{"listening_tcp": "0.0.0.0:22"}"#, #"field "listening_tcp": expected a JSON array"#),
        (
            #"{"mounts": [{"mount_point": "/", "device": "d", "fs_type": "xfs", "options": "rw", "size": 1}]}"#,
            #"field "mounts[0].size": unknown key"#
        ),
        (#"{"mounts": [{"mount_point": "/"}]}"#, #"field "mounts[0].device": missing"#),
        ("[1]", "expected a JSON object"),
        (
            "{\"os_id\": \"centos\",\n  \"cpu_count\": 8,,\n  \"hostname\": \"h\"}",
            "not valid JSON at line 2, column 18: Expecting property name enclosed in double quotes"
        ),
        ("not json", "not valid JSON at line 1, column 1: Expecting value"),
        ("", "not valid JSON at line 1, column 1: Expecting value"),
    ]

    /// The inventory's files as they are on disk: the database and, where present, its `-wal` and `-shm`.
    static func files(of inventory: String) -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for suffix in ["", "-wal", "-shm"] {
            if let data = FileManager.default.contents(atPath: inventory + suffix) {
                files["inventory.sqlite" + suffix] = Array(data)
            }
        }
        return files
    }

    /// The files without the three database header fields GRDB's opening of a database pool changes whenever the
    /// `-wal` file is missing or empty, as it is after every command: it creates and drops a table (so that the
    /// `-wal` exists), which counts as one change (bytes 24-27) and two schema changes (40-43, 92-95) and changes
    /// nothing else. A refusal that must open the file to decide (an unknown node id) leaves those fields moved.
    static func withoutOpeningCounters(_ files: [String: [UInt8]]) -> [String: [UInt8]] {
        files.mapValues { bytes in
            var bytes = bytes
            for offset in [24, 40, 92] where bytes.count >= offset + 4 {
                bytes.replaceSubrange(offset..<offset + 4, with: [0, 0, 0, 0])
            }
            return bytes
        }
    }

    @Test func badInputIsRefusedWholeNamingEntryAndFieldAndLeavesTheFileAsItWas() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let inventory = directory.appendingPathComponent("inventory.sqlite").path
        // The reference nodes, and one with everything a node can hold besides its facts.
        let reached =
            #"[{"id": 6, "name": "node6", "host": "10.0.0.6", "ssh_user": "ops", "ssh_host": "bastion-6", "ssh_port": 2222, "last_collect_at": "2026-11-01T00:00:00Z", "last_collect_error": "connection refused", "facts": {"cpu_count": 8, "collected_at": "2026-10-31T00:00:00Z"}}]"#
        for nodes in [Self.referenceNodes, reached] {
            let imported = try fcgiCheck(
                ["nodes", "import", "--inventory", inventory, "-"], input: nodes, in: directory)
            try #require(imported.status == 0, "\(imported.output)")
        }
        let listed = try fcgiCheck(["nodes", "list", "--inventory", inventory, "--format", "json"], in: directory)
        try #require(listed.status == 0 && listed.output.contains("connection refused"), "\(listed.output)")
        let files = Self.files(of: inventory)
        try #require(files.keys.sorted() == ["inventory.sqlite"], "\(files.keys.sorted())")

        // Refused before the inventory is opened: not one byte changes.
        var refusals: [(arguments: [String], input: String, message: String)] = []
        refusals += Self.refusedImports.map {
            (["import", "-"], $0.input, "rejected, nothing imported: " + $0.message)
        }
        refusals += Self.refusedFacts.map {
            (["facts", "1", "-"], $0.input, "standard input is not the output of `fcgi-check facts`: " + $0.message)
        }
        refusals.append(
            (
                ["facts", "1", "--raw", "-"], "garbage\n",
                "standard input: unreadable output: not the output of the collection script; nothing stored"
            ))
        for refusal in refusals {
            let outcome = try fcgiCheck(
                ["nodes"] + refusal.arguments + ["--inventory", inventory], input: refusal.input, in: directory)
            let quoted = "\(refusal.arguments) “\(refusal.input.prefix(200))”"
            #expect(outcome.status == 1, "\(quoted): exit \(outcome.status)")
            #expect(outcome.output.contains("Error: " + refusal.message), "\(quoted): \(outcome.output)")
            #expect(Self.files(of: inventory) == files, "\(quoted) changed the inventory's files")
        }

        // Refused once the inventory is open (only it knows its ids): nothing changes but GRDB's opening counters.
        let openRefusals: [(arguments: [String], input: String, message: String)] = [
            (["facts", "42", "-"], #"{"cpu_count": 8}"#, "no node 42 in the inventory"),
            (["facts", "42", "--raw", "-"], "@@fcgi-check-facts 1\n@@ done\n", "no node 42 in the inventory"),
            (["add", "--id", "1", "--name", "x", "--host", "h"], "", "node 1 already exists"),
            (["remove", "42"], "", "no node 42 in the inventory"),
        ]
        for refusal in openRefusals {
            let outcome = try fcgiCheck(
                ["nodes"] + refusal.arguments + ["--inventory", inventory], input: refusal.input, in: directory)
            #expect(outcome.status == 1, "\(refusal.arguments): exit \(outcome.status)")
            #expect(outcome.output.contains("Error: " + refusal.message), "\(refusal.arguments): \(outcome.output)")
            #expect(
                Self.withoutOpeningCounters(Self.files(of: inventory)) == Self.withoutOpeningCounters(files),
                "\(refusal.arguments) changed the inventory's files")
        }

        let after = try fcgiCheck(["nodes", "list", "--inventory", inventory, "--format", "json"], in: directory)
        #expect(after.output == listed.output, "a refused command changed the inventory")
    }

    @Test func missingAndLockedDatabasesAreClearErrors() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("nothing-here.sqlite").path
        for arguments in [
            ["nodes", "list"], ["nodes", "remove", "1"], ["serve", "--listen", "unix:\(directory.path)/s.sock"],
        ] {
            let outcome = try fcgiCheck(arguments + ["--inventory", missing], in: directory)
            #expect(outcome.status != 0)
            #expect(outcome.output.contains("no inventory at \(missing)"), "\(outcome.output)")
        }
        #expect(!FileManager.default.fileExists(atPath: missing), "a read-only command created the database")

        let inventory = directory.appendingPathComponent("inventory.sqlite").path
        #expect(
            try fcgiCheck(
                ["nodes", "import", "--inventory", inventory, "-"], input: Self.referenceNodes, in: directory
            ).status == 0)
        // Another writer holds the database: the command waits its busy timeout, then gives up without a change.
        let locker = try ServiceProcess(
            executable: URL(fileURLWithPath: "/usr/bin/env"),
            arguments: [
                "python3", "-c",
                "import sqlite3,sys,time; c=sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(12)",
                inventory,
            ],
            logURL: directory.appendingPathComponent("locker.log")
        )
        defer { locker.stop() }
        try #require(TestEnvironment.wait(for: .seconds(10)) { locker.log.contains("locked") }, "\(locker.log)")
        let blocked = try fcgiCheck(
            ["nodes", "add", "--inventory", inventory, "--id", "9", "--name", "n", "--host", "h"], in: directory)
        #expect(blocked.status == 1)
        #expect(blocked.output.contains("is locked by another writer; nothing was changed"), "\(blocked.output)")
        locker.stop()
        let list = try fcgiCheck(["nodes", "list", "--inventory", inventory], in: directory)
        #expect(!list.output.contains("\n9 "), "\(list.output)")
    }

    @Test(arguments: [
        ["serve"], ["facts"], ["nodes"], ["nodes", "add"], ["nodes", "list"], ["nodes", "remove"], ["nodes", "import"],
        ["nodes", "facts"],
    ])
    func everyCommandsHelpSaysWhatItDoesWithAnExample(command: [String]) throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try fcgiCheck(command + ["--help"], in: directory)
        #expect(outcome.status == 0)
        #expect(outcome.output.contains("OVERVIEW: "))
        #expect(outcome.output.contains("Example"), "\(outcome.output)")
        #expect(outcome.output.contains("fcgi-check "))
    }
}
