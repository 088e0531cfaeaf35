import Foundation
import Testing

/// `serve --workers N` without nginx: how the supervisor gets its socket, starts and replaces workers, and how a
/// request that runs too long is answered.
@Suite(.ownThreads) struct SupervisorTests {
    static let body = Array(NginxContractTests.referenceRequest.utf8)

    /// `fcgi-check serve --demo` with `arguments` on a unix socket in `directory`, started; and the socket's path.
    static func serveDemo(_ arguments: [String], in directory: URL) throws -> (ServiceProcess, String) {
        let socket = directory.appendingPathComponent("app.sock").path
        return (try ServiceProcess.serve(["--demo", "--listen", "unix:\(socket)"] + arguments, in: directory), socket)
    }

    @Test func servesTheSocketSystemdPassesOnFd3AndLeavesItInPlace() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("activated.sock").path
        let listener = try TestEnvironment.listeningSocket(at: path)
        defer { close(listener) }
        // systemd sets LISTEN_PID to the service's own pid after fork; a shell that execs the binary keeps its pid.
        let server = try ServiceProcess(
            executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: [
                "-c", #"LISTEN_PID=$$ LISTEN_FDS=1 LISTEN_FDNAMES=fcgi-check.socket exec "$0" "$@""#,
                try TestEnvironment.binary().path, "serve", "--demo", "--policy", TestEnvironment.referencePolicy,
                "--workers", "2", "--threads", "2",
            ],
            logURL: directory.appendingPathComponent("app.log"),
            descriptor3: listener
        )
        defer { server.stop() }
        #expect(TestEnvironment.wait(for: .seconds(20)) { server.log.contains("listening on fd 3") }, "\(server.log)")
        for _ in 0..<20 {
            let response = try FastCGIClient.exchange(socketPath: path, body: Self.body)
            #expect(response.hasSuffix(NginxContractTests.referenceResponse), "\(response)\n\(server.log)")
        }
        // The workers must not see the activation variables (they are not the process systemd meant).
        let workers = NginxFrontedService.processes(serving: "--worker-slot").map(\.pid).filter { pid in
            let status = NginxFrontedService.procText("/proc/\(pid)/status") ?? ""
            return status.contains("PPid:\t\(server.pid)\n")
        }
        #expect(workers.count == 2)
        for pid in workers {
            let environment = NginxFrontedService.procText("/proc/\(pid)/environ") ?? ""
            #expect(!environment.contains("LISTEN_FDS"), "worker \(pid)")
        }
        server.signal(SIGTERM)
        #expect(server.waitForExit(timeout: .seconds(15)) == 0, "\(server.log)")
        // systemd's socket stays: connections during a restart queue in it for the next instance.
        #expect(FileManager.default.fileExists(atPath: path))
        let queued = try FastCGIClient(socketPath: path)
        queued.close()
    }

    @Test func servesTheSocketInheritedOnStandardInputWithWorkers() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("inherited.sock").path
        let listener = try TestEnvironment.listeningSocket(at: path)
        defer { close(listener) }
        let server = try ServiceProcess(
            executable: try TestEnvironment.binary(),
            arguments: [
                "serve", "--demo", "--policy", TestEnvironment.referencePolicy, "--workers", "2", "--threads", "2",
            ],
            logURL: directory.appendingPathComponent("app.log"),
            standardInput: listener
        )
        defer { server.stop() }
        #expect(TestEnvironment.wait(for: .seconds(20)) { server.log.contains("listening on fd 0") }, "\(server.log)")
        let response = try FastCGIClient.exchange(socketPath: path, body: Self.body)
        #expect(response.hasSuffix(NginxContractTests.referenceResponse), "\(response)\n\(server.log)")
        server.signal(SIGQUIT)
        #expect(server.waitForExit(timeout: .seconds(15)) == 0, "\(server.log)")
    }

    @Test func aWorkerThatKeepsDyingIsBackedOffAndReported() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, socket) = try Self.serveDemo(["--workers", "1", "--threads", "2"], in: directory)
        defer { server.stop() }
        // Kill each replacement as soon as it appears, five times: the pauses between starts must grow.
        var killed: Set<Int32> = []
        let deadline = ContinuousClock.now + .seconds(20)
        while killed.count < 5 && ContinuousClock.now < deadline {
            for pid in NginxFrontedService.processes(serving: socket) where pid.isWorker && !killed.contains(pid.pid) {
                kill(pid.pid, SIGKILL)
                killed.insert(pid.pid)
            }
            usleep(10_000)
        }
        #expect(killed.count == 5)
        // (The first worker may have lived past the 2 s that make a death "quick"; the later ones did not.)
        #expect(
            TestEnvironment.wait(for: .seconds(10)) {
                server.log.contains("quick deaths in a row, next start in 0.4 s")
            },
            "\(server.log)")
        #expect(server.log.contains("quick deaths in a row, next start in 0.1 s"))
        #expect(server.log.contains("quick deaths in a row, next start in 0.2 s"))
        // It comes back, and serves.
        #expect(
            TestEnvironment.wait(for: .seconds(10)) {
                (try? FastCGIClient.exchange(socketPath: socket, body: Self.body))?.hasSuffix(
                    NginxContractTests.referenceResponse) == true
            })
        #expect(server.isRunning)
        // The crash loop's end is noticed once the worker has lived past the 2 s, in the log and in /status (whose
        // count during the loop is tested on the scoreboard: no worker lives long enough here to be asked).
        func quickDeaths() -> Int? {
            guard let client = try? FastCGIClient(socketPath: socket),
                (try? client.begin(method: "GET", uri: "/status", contentType: nil, contentLength: 0)) != nil,
                (try? client.endBody()) != nil, let response = try? client.readResponse(),
                let body = response.range(of: "\r\n\r\n").map({ response[$0.upperBound...] }),
                let status = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            else { return nil }
            return status["worker_quick_deaths"] as? Int
        }
        #expect(
            TestEnvironment.wait(for: .seconds(10)) { server.log.contains("serve normally again after") },
            "\(server.log)")
        #expect(quickDeaths() == 0, "\(server.log)")
    }

    @Test func workersOfAKilledSupervisorStopByThemselves() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, socket) = try Self.serveDemo(["--workers", "2", "--threads", "2"], in: directory)
        defer { server.stop() }
        let workers = NginxFrontedService.processes(serving: socket).filter(\.isWorker)
        #expect(workers.count == 2)
        server.signal(SIGKILL)
        #expect(
            TestEnvironment.wait(for: .seconds(15)) {
                NginxFrontedService.processes(serving: socket).filter(\.isWorker).isEmpty
            }, "\(server.log)")
        #expect(server.log.contains("the supervisor (pid \(server.pid)) is gone: stopping"))
    }

    @Test func aReloadWhoseInventoryCannotBeOpenedIsRefusedAndTheWorkersCarryOn() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let socket = directory.appendingPathComponent("app.sock").path
        let inventory = directory.appendingPathComponent("inventory.sqlite").path
        let nodes = directory.appendingPathComponent("nodes.json")
        try Data(
            #"[{"id": 1, "name": "n1", "host": "172.16.70.101", "facts": {"os_version": "7.9", "systemd_version": 219}}]"#
                .utf8
        ).write(to: nodes)
        let importer = try ServiceProcess(
            executable: try TestEnvironment.binary(),
            arguments: ["nodes", "import", "--inventory", inventory, nodes.path],
            logURL: directory.appendingPathComponent("import.log"))
        #expect(importer.waitForExit(timeout: .seconds(30)) == 0, "\(importer.log)")
        let server = try ServiceProcess.serve(
            ["--inventory", inventory, "--listen", "unix:\(socket)", "--workers", "1"], in: directory)
        defer { server.stop() }
        let workers = NginxFrontedService.processes(serving: socket).filter(\.isWorker).map(\.pid)
        let body = Array(#"{"name":"c","members":[{"node_id":1,"name":"a","host":"h","port":1}]}"#.utf8)
        let before = try FastCGIClient.exchange(socketPath: socket, body: body)
        #expect(before.hasPrefix("Status: 200"), "\(before)")

        // The inventory file is moved away (a botched deployment): the reload is refused, and the running workers,
        // which hold it open, go on serving.
        try FileManager.default.moveItem(atPath: inventory, toPath: inventory + ".moved")
        server.signal(SIGHUP)
        #expect(
            TestEnvironment.wait(for: .seconds(10)) {
                server.log.contains("reload refused, the running workers carry on")
            },
            "\(server.log)")
        #expect(NginxFrontedService.processes(serving: socket).filter(\.isWorker).map(\.pid) == workers)
        #expect(try FastCGIClient.exchange(socketPath: socket, body: body) == before)
    }

    @Test func aReloadWithABrokenPolicyFileIsRefusedAndTheWorkersCarryOn() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let policy = directory.appendingPathComponent("policy.toml")
        try FileManager.default.copyItem(atPath: TestEnvironment.referencePolicy, toPath: policy.path)
        let (server, socket) = try Self.serveDemo(["--policy", policy.path, "--workers", "1"], in: directory)
        defer { server.stop() }
        let workers = NginxFrontedService.processes(serving: socket).filter(\.isWorker).map(\.pid)
        try Data("compat = \"sometimes\"\n".utf8).write(to: policy)
        server.signal(SIGHUP)
        #expect(
            TestEnvironment.wait(for: .seconds(10)) {
                server.log.contains("reload refused, the running workers carry on")
            },
            "\(server.log)")
        #expect(server.log.contains("compat"), "the refusal names the key:\n\(server.log)")
        #expect(NginxFrontedService.processes(serving: socket).filter(\.isWorker).map(\.pid) == workers)
        let response = try FastCGIClient.exchange(socketPath: socket, body: Self.body)
        #expect(response.hasSuffix(NginxContractTests.referenceResponse), "\(response)")
    }

    @Test func workersStartedBetweenReloadsRunTheirGenerationsPolicyNotTheEditedFile() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let policy = directory.appendingPathComponent("policy.toml")
        try FileManager.default.copyItem(atPath: TestEnvironment.referencePolicy, toPath: policy.path)
        let edited = ProductionLoadTests.otherPolicy
        let editedAnswer = try ProductionLoadTests.answerUnderOtherPolicy(in: directory)
        // One worker with one thread retiring every 3 requests: it is replaced again and again.
        let (server, socket) = try Self.serveDemo(
            ["--policy", policy.path, "--workers", "1", "--threads", "1", "--max-requests", "3"], in: directory)
        defer { server.stop() }
        func answer() throws -> String {
            let response = try FastCGIClient.exchange(socketPath: socket, body: Self.body)
            return String(response[(response.range(of: "\r\n\r\n")?.upperBound ?? response.startIndex)...])
        }
        #expect(try answer() == NginxContractTests.referenceResponse)

        // The file is edited, and later broken, without a reload: replacements keep the policy of their generation.
        try Data(edited.utf8).write(to: policy)
        for _ in 0..<6 { #expect(try answer() == NginxContractTests.referenceResponse) }
        try Data("compat = \"sometimes\"\n".utf8).write(to: policy)
        for _ in 0..<6 { #expect(try answer() == NginxContractTests.referenceResponse) }
        // Retired after requests 3, 6 (the file edited), 9 and 12 (the file broken), each replaced.
        #expect(server.log.components(separatedBy: "(--max-requests): retiring").count - 1 == 4, "\(server.log)")
        #expect(!server.log.contains("while starting") && !server.log.contains("quick deaths"), "\(server.log)")

        // A reload reads the file: refused while it is broken, in force once it is fixed.
        server.signal(SIGHUP)
        #expect(
            TestEnvironment.wait(for: .seconds(10)) { server.log.contains("reload refused") }, "\(server.log)")
        #expect(try answer() == NginxContractTests.referenceResponse)
        try Data(edited.utf8).write(to: policy)
        server.signal(SIGHUP)
        #expect(
            TestEnvironment.wait(for: .seconds(20)) { server.log.contains("reload complete: generation 2 ") },
            "\(server.log)")
        // The previous generation's worker takes nothing more once it has had its SIGTERM, which "reload complete"
        // has sent but it may not have handled yet: the new policy alone answers once that worker is gone.
        #expect(
            TestEnvironment.wait(for: .seconds(20)) { server.log.contains("of generation 1 retired") },
            "\(server.log)")
        for _ in 0..<3 { #expect(try answer() == editedAnswer) }
    }

    @Test func ctrlCReachesTheWholeProcessGroupButOnlyTheSupervisorActsOnIt() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, socket) = try Self.serveDemo(["--workers", "2", "--threads", "2"], in: directory)
        defer { server.stop() }
        // A request in flight, then Ctrl-C at the terminal: SIGINT to the supervisor and every worker at once.
        let client = try FastCGIClient(socketPath: socket)
        try client.begin(contentLength: Self.body.count)
        try client.sendBody(Array(Self.body.prefix(20)))
        usleep(200_000)
        kill(-server.pid, SIGINT)
        usleep(300_000)
        // The workers ignore it; the supervisor stops them in order, so the request in flight still completes.
        try client.sendBody(Array(Self.body.dropFirst(20)))
        try client.endBody()
        let response = try client.readResponse()
        #expect(response.hasPrefix("Status: 200") && response.hasSuffix(NginxContractTests.referenceResponse))
        #expect(server.waitForExit(timeout: .seconds(15)) == 0, "\(server.log)")
        #expect(!server.log.contains("killed by signal"), "\(server.log)")
    }

    @Test func aCheckRunOverTheRequestTimeoutIsAnswered504AndLoggedAsSlow() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, socket) = try Self.serveDemo(
            ["--request-timeout", "0.000001", "--slow-log", "0", "--max-body-size", "8000000"], in: directory)
        defer { server.stop() }
        // 50,000 members: no check run takes under a microsecond, let alone this one.
        let member = #"{"node_id":1,"name":"m","host":"h","port":1}"#
        let big = #"{"name":"c","members":["# + Array(repeating: member, count: 50_000).joined(separator: ",") + "]}"
        let response = try FastCGIClient.exchange(socketPath: socket, body: Array(big.utf8))
        #expect(response.hasPrefix("Status: 504 Gateway Timeout"), "\(response.prefix(200))")
        #expect(response.hasSuffix(#"{"detail":"Gateway Timeout"}"#))
        #expect(server.log.contains("exceeded the request timeout"), "\(server.log)")
        // The slow-request line follows the answer.
        #expect(TestEnvironment.wait(for: .seconds(15)) { server.log.contains("slow request") }, "\(server.log)")
        #expect(server.log.contains("bytes_in=\(big.utf8.count)"))
        // Requests that need no check run are not subject to it.
        let ping = try FastCGIClient(socketPath: socket)
        try ping.begin(method: "GET", uri: "/ping", contentType: nil, contentLength: 0)
        try ping.endBody()
        #expect(try ping.readResponse().hasSuffix("pong"))
    }
}
