import Foundation
import Testing

/// `fcgi-check check`: the same checks in the terminal, its table, its JSON and its exit statuses.
@Suite(.ownThreads) struct CheckCommandTests {
    struct Outcome {
        var status: Int32
        var output: String
        var error: String
    }

    /// Runs `fcgi-check ARGUMENTS` (or another `executable`) with `input` on standard input and pipes (not a terminal)
    /// for its output.
    func fcgiCheck(
        _ arguments: [String], input: String = "", environment: [String: String] = [:], executable: String? = nil
    ) throws -> Outcome {
        let process = Process()
        process.executableURL = try executable.map(URL.init(fileURLWithPath:)) ?? TestEnvironment.binary()
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let (stdin, stdout, stderr) = (Pipe(), Pipe(), Pipe())
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let error = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
            error: String(decoding: error, as: UTF8.self))
    }

    static let passing = #"{"name":"c","members":[{"node_id":1,"name":"m1","host":"172.16.70.101","port":5432}]}"#

    @Test func jsonIsExactlyTheAPIsBodyAndAFailureExits1() throws {
        let reference = try fcgiCheck(
            ["check", "--demo", "--policy", TestEnvironment.referencePolicy, "--format", "json", "-"],
            input: NginxContractTests.referenceRequest)
        #expect(reference.status == 1)
        #expect(reference.output == NginxContractTests.referenceResponse)

        // The default policy: the same bytes the service answers through nginx.
        let service = try NginxFrontedService(policy: nil)
        let api = try HTTPClient.send(
            port: service.port,
            HTTPClient.request(
                "POST", "/?checks=check_swap,check_cpu_count", body: Array(NginxContractTests.referenceRequest.utf8),
                headers: ["Accept-Language: en"]))
        let terminal = try fcgiCheck(
            ["check", "--demo", "--format", "json", "--lang", "en", "--checks", "check_swap,check_cpu_count", "-"],
            input: NginxContractTests.referenceRequest)
        #expect(api.status == 200 && terminal.output == api.text)
        let whole = try fcgiCheck(
            ["check", "--demo", "--format", "json", "-"], input: NginxContractTests.referenceRequest)
        let wholeAPI = try HTTPClient.send(
            port: service.port, HTTPClient.request("POST", "/", body: Array(NginxContractTests.referenceRequest.utf8)))
        #expect(whole.output == wholeAPI.text)
    }

    @Test func theTableIsPlainWhenPipedAndWarningsAloneExit0() throws {
        let passing = try fcgiCheck(
            ["check", "--demo", "--checks", "check_systemd_version,check_swap,check_cpu_count", "-"],
            input: Self.passing)
        #expect(passing.status == 0, "\(passing.output)\(passing.error)")
        #expect(
            passing.output == """
                NODE  HOST           CHECK                  RESULT  MESSAGE
                1     172.16.70.101  check_systemd_version  pass
                1     172.16.70.101  check_cpu_count        pass
                1     172.16.70.101  check_swap             pass
                1 nodes, 3 checks: 3 pass, 0 warn, 0 fail

                """)
        let warned = try fcgiCheck(
            ["check", "--demo", "--checks", "check_cpu_count,check_memory", "--lang", "en", "-"],
            input: Self.passing.replacingOccurrences(of: #""node_id":1"#, with: #""node_id":2"#)
                .replacingOccurrences(of: "172.16.70.101", with: "172.16.70.102"))
        #expect(warned.status == 0)
        #expect(
            warned.output.contains(
                "2     172.16.70.102  check_cpu_count  warn    172.16.70.102 has 2 CPUs, 4 recommended"))
        #expect(!warned.output.contains("\u{1B}["))
    }

    @Test func fixScriptsArePrintedForReviewAndAreValidShell() throws {
        let outcome = try fcgiCheck(
            ["check", "--demo", "--lang", "en", "--fix-script", "-"], input: NginxContractTests.referenceRequest)
        #expect(outcome.status == 1, "\(outcome.error)")
        #expect(outcome.output.hasPrefix("# fcgi-check fix scripts: one POSIX sh script per node"))
        #expect(outcome.output.components(separatedBy: "\n#!/bin/sh\n").count == 4)
        #expect(
            outcome.output.contains(
                "{ systemctl disable --now firewalld; } || { echo 'fcgi-check: the fix for check_firewall failed' >&2; "
                    + "failed=1; }"))
        // Parsed by sh, run by nobody: as a whole it exits before its first fix.
        let parsed = try fcgiCheck(["-c", "exec /bin/sh -n"], input: outcome.output, executable: "/bin/sh")
        #expect(parsed.status == 0, "\(parsed.error)")
        let ran = try fcgiCheck(["-s"], input: outcome.output, executable: "/bin/sh")
        #expect(ran.status == 64 && ran.output.isEmpty && ran.error.isEmpty, "\(ran)")

        let table = try fcgiCheck(
            ["check", "--demo", "--checks", "check_swap", "-"], input: NginxContractTests.referenceRequest)
        #expect(
            table.output.hasSuffix(
                """
                3 nodes, 1 checks: 2 pass, 0 warn, 1 fail

                Fixes, run on the node as root unless marked (--fix-script writes them as one script per node):
                [1] swapoff -a && sed -ri '/\\sswap\\s/s/^#?/#/' /etc/fstab

                """), "\(table.output)")
        #expect(table.output.contains("172.16.70.102 未关闭 swap, 当前 swap 为 2.0 GiB [1]\n"))
        let json = try fcgiCheck(["check", "--demo", "--fix-script", "--format", "json", "-"], input: Self.passing)
        #expect(json.status == 2 && json.error.contains("--fix-script prints scripts, not JSON"), "\(json)")
    }

    @Test func colourOnATerminalUnlessNoColor() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let proposal = directory.appendingPathComponent("p.json")
        try Data(NginxContractTests.referenceRequest.utf8).write(to: proposal)
        let binary = try TestEnvironment.binary().path
        // script(1) gives the command a pseudo-terminal as standard output.
        let command = "\(binary) check --demo --checks check_os_version,check_cpu_count \(proposal.path)"
        let tty = try run("/usr/bin/script", ["-qec", command, "/dev/null"], environment: [:])
        #expect(tty.contains("\u{1B}[31mfail"), "\(tty)")
        #expect(tty.contains("\u{1B}[33mwarn") && tty.contains("\u{1B}[32mpass"))
        let noColor = try run("/usr/bin/script", ["-qec", command, "/dev/null"], environment: ["NO_COLOR": "1"])
        #expect(noColor.contains("fail") && !noColor.contains("\u{1B}["), "\(noColor)")
    }

    /// Runs a program and returns its standard output.
    func run(_ program: String, _ arguments: [String], environment: [String: String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if environment["NO_COLOR"] == nil { merged["NO_COLOR"] = nil }
        process.environment = merged
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self)
    }

    @Test(arguments: [
        (["check", "--demo", "-"], "{", "is not a valid proposal (422): {\"detail\":[{\"type\":\"json_invalid\""),
        (["check", "--demo", "-"], #"{"name":"c"}"#, #"{"type":"missing","loc":["body","members"]"#),
        (["check", "--demo", "-"], "\u{1}\u{2}", "is not a valid proposal (422)"),
        (
            ["check", "--demo", "-"], #"{"name":"c","members":[{"node_id":9,"name":"m","host":"h","port":1}]}"#,
            #"names nodes the inventory does not know (422): {"detail":[{"type":"node_not_found""#
        ),
        (["check", "--demo", "/nonexistent/p.json"], "", "cannot read /nonexistent/p.json"),
        (
            ["check", "--demo", "--policy", "/nonexistent/p.toml", "-"], passing,
            "policy /nonexistent/p.toml: no such file"
        ),
        (["check", "--inventory", "/nonexistent/inv.sqlite", "-"], passing, "/nonexistent/inv.sqlite"),
        (["check", "--demo", "--checks", "check_disk", "-"], passing, "--checks: unknown check item \"check_disk\""),
        (["check", "--demo", "--format", "xml", "-"], passing, "--format"),
        (["check", "--demo"], passing, "Missing expected argument"),
    ])
    func couldNotCheckExits2WithTheReasonOnStandardError(arguments: [String], input: String, message: String) throws {
        let outcome = try fcgiCheck(arguments, input: input)
        #expect(outcome.status == 2, "\(outcome)")
        #expect(outcome.error.contains(message), "\(outcome.error)")
        #expect(outcome.output.isEmpty)
    }
}
