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

    @Test func badInputIsRefusedWholeNamingEntryAndField() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let inventory = directory.appendingPathComponent("inventory.sqlite").path
        #expect(
            try fcgiCheck(
                ["nodes", "import", "--inventory", inventory, "-"], input: Self.referenceNodes, in: directory
            ).status == 0)
        let before = try fcgiCheck(["nodes", "list", "--inventory", inventory, "--format", "json"], in: directory)
            .output

        let cases: [(input: String, message: String)] = [
            (
                #"[{"id":9,"name":"new","host":"h"},{"id":1,"name":"changed","host":7}]"#,
                #"entry 1, field "host": expected a string"#
            ),
            (#"[{"id":9,"name":"new","host":"h"},{"name":"x","host":"h"}]"#, #"entry 1, field "id": missing"#),
            (
                #"[{"id":9,"name":"n","host":"h","facts":{"systemd_version":"219"}}]"#,
                #"entry 0, field "facts.systemd_version": expected an integer"#
            ),
            (#"[{"id":9,"name":"","host":"h"}]"#, #"entry 0, field "name": must not be empty"#),
            (
                #"[{"id":9,"name":"a","host":"h"},{"id":9,"name":"b","host":"h"}]"#,
                #"entry 1, field "id": 9 appears twice"#
            ),
            (#"{"id":9}"#, "expected a JSON array of nodes"),
            ("[{", "not valid JSON"),
        ]
        for item in cases {
            let outcome = try fcgiCheck(
                ["nodes", "import", "--inventory", inventory, "-"], input: item.input, in: directory)
            #expect(outcome.status == 1, "\(item.input)")
            #expect(outcome.output.contains("rejected, nothing imported: " + item.message), "\(outcome.output)")
        }
        let facts = try fcgiCheck(
            ["nodes", "facts", "--inventory", inventory, "1", "-"], input: "not json", in: directory)
        #expect(
            facts.status == 1 && facts.output.contains("is not the output of `fcgi-check facts`"), "\(facts.output)")
        let unknown = try fcgiCheck(
            ["nodes", "facts", "--inventory", inventory, "42", "-"], input: "{}", in: directory)
        #expect(unknown.status == 1 && unknown.output.contains("no node 42 in the inventory"))
        let duplicate = try fcgiCheck(
            ["nodes", "add", "--inventory", inventory, "--id", "1", "--name", "x", "--host", "h"], in: directory)
        #expect(duplicate.status == 1 && duplicate.output.contains("node 1 already exists"))
        #expect(try fcgiCheck(["nodes", "remove", "--inventory", inventory, "42"], in: directory).status == 1)

        let after = try fcgiCheck(["nodes", "list", "--inventory", inventory, "--format", "json"], in: directory).output
        #expect(after == before, "a refused command changed the inventory")
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
