import Foundation
import Testing

/// Proof under load: a real nginx (deploy/nginx/fcgi-check.conf) in front of `fcgi-check serve --workers N`, a steady
/// load of the test's own making, and workers dying, reloading, retiring and stopping underneath it. Every answer is
/// counted; each test is bounded in requests and in time.
@Suite(.serialized, .ownThreads(queued: false)) struct ProductionLoadTests {
    static let expected = NginxContractTests.referenceResponse

    /// The answers that were not the exact reference answer, summarised for a failure message.
    static func failures(_ outcomes: [LoadClient.Outcome]) -> [String] {
        outcomes.filter { $0.status != 200 || $0.body != expected }.map {
            "\($0.status.map(String.init) ?? "no answer") \($0.body.prefix(120))"
        }
    }

    /// The app's log without its access lines (starts, reloads, deaths, errors), then nginx's upstream errors.
    static func events(_ service: NginxFrontedService) -> String {
        let app = service.appLog.split(separator: "\n").filter { !$0.hasPrefix("{") }.suffix(60).map(String.init)
        return (app + ["nginx:"] + service.upstreamErrors.suffix(20)).joined(separator: "\n")
    }

    static func status(_ port: UInt16) throws -> [String: Any] {
        let reply = try HTTPClient.send(port: port, HTTPClient.request("GET", "/status"))
        try #require(reply.status == 200, "\(reply.text)")
        return try #require(try JSONSerialization.jsonObject(with: Data(reply.body)) as? [String: Any])
    }

    @Test(.timeLimit(.minutes(1))) func killingWorkersWithSigkillLosesNoRequest() throws {
        let service = try NginxFrontedService(workers: 2, arguments: ["--threads", "4"])
        let load = LoadClient(port: service.port, total: 20_000, connections: 8)
        // Kill a worker every 100 answers, six times, never waiting for its replacement. Each victim was already
        // running at the previous kill, so it has served: a kill never lands on a replacement still starting (which
        // the supervisor would rightly take for a crash loop and pace). Bounded by the load's own deadline.
        var killed = 0
        var veterans = Set(service.workerPIDs)
        while killed < 6 && ContinuousClock.now < load.deadline {
            load.waitUntilAnswered(load.answered + 100)
            let live = service.workerPIDs
            guard let victim = live.first(where: veterans.contains) else {
                // No worker of the last round is left to kill yet: those alive now are the next round's.
                veterans = Set(live)
                usleep(50_000)
                continue
            }
            kill(victim, SIGKILL)
            killed += 1
            veterans = Set(live).subtracting([victim])
        }
        #expect(killed == 6, "only \(killed) kills before the load's deadline\n\(Self.events(service))")
        load.waitUntilAnswered(load.answered + 200)
        load.stop()
        let outcomes = load.wait()
        #expect(outcomes.count >= 800)
        let failed = Self.failures(outcomes)
        #expect(failed.isEmpty, "\(failed.count) failed: \(failed.prefix(5))\n\(Self.events(service))")
        // Every killed worker was reported and replaced, and the replacements serve.
        #expect(TestEnvironment.wait(for: .seconds(10)) { service.workerPIDs.count == 2 })
        let status = try Self.status(service.port)
        #expect(status["worker_restarts"] as? Int == 6, "\(status)")
        #expect(service.appLog.components(separatedBy: "was killed by signal 9").count - 1 == 6)
        #expect(try HTTPClient.post(port: service.port, NginxContractTests.referenceRequest).text == Self.expected)
    }

    /// What `fcgi-check check --format json` answers to the reference request under `policy`: the API's bytes.
    static func answer(underPolicy policy: String, in directory: URL) throws -> String {
        let request = directory.appendingPathComponent("request.json")
        try Data(NginxContractTests.referenceRequest.utf8).write(to: request)
        let process = try ServiceProcess(
            executable: TestEnvironment.binary(),
            arguments: ["check", "--demo", "--policy", policy, "--format", "json", request.path],
            logURL: directory.appendingPathComponent("check-\(UUID().uuidString.prefix(6)).out"))
        let status = try #require(process.waitForExit(timeout: .seconds(30)))
        #expect(status == 0 || status == 1, "\(process.log)")
        return process.log.trimmingCharacters(in: .newlines)
    }

    /// A policy other than the reference's (its two items, in the full format, with no banned systemd version), and
    /// what it answers to the reference request: how a test tells which policy a worker runs.
    static let otherPolicy = """
        checks = ["check_os_version", "check_systemd_version"]
        [check_systemd_version]
        banned = []
        """

    /// `otherPolicy`'s answer to the reference request (checked to differ from the reference's).
    static func answerUnderOtherPolicy(in directory: URL) throws -> String {
        let file = directory.appendingPathComponent("other-policy.toml")
        try Data(otherPolicy.utf8).write(to: file)
        let answer = try Self.answer(underPolicy: file.path, in: directory)
        #expect(answer.hasPrefix(#"[{"name":"check_os_version""#) && answer != Self.expected, "\(answer)")
        return answer
    }

    @Test(.timeLimit(.minutes(1))) func reloadingWithSighupLosesNoRequestAndPutsTheNewPolicyInForce() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let policy = directory.appendingPathComponent("policy.toml")
        try FileManager.default.copyItem(atPath: TestEnvironment.referencePolicy, toPath: policy.path)
        // The third reload reads the other policy.
        let newPolicy = Self.otherPolicy
        let newAnswer = try Self.answerUnderOtherPolicy(in: directory)

        let service = try NginxFrontedService(policy: policy.path, workers: 2, arguments: ["--threads", "4"])
        let supervisor = try #require(service.appPID)
        let first = service.workerPIDs
        let load = LoadClient(port: service.port, total: 20_000, connections: 8)
        // Three reloads, each after more answers, each completed before the next (SIGHUPs that arrive during a
        // reload make one more reload, not one each). The third reads an edited policy file.
        for generation in 2...4 {
            load.waitUntilAnswered(load.answered + 200)
            if generation == 4 { try Data(newPolicy.utf8).write(to: policy) }
            kill(supervisor, SIGHUP)
            #expect(
                TestEnvironment.wait(for: .seconds(30)) {
                    service.appLog.contains("reload complete: generation \(generation) ")
                }, "\(Self.events(service))")
        }
        load.waitUntilAnswered(load.answered + 200)
        load.stop()
        let outcomes = load.wait()
        #expect(outcomes.count >= 800)
        // Every answer is the old policy's or the new one's, byte for byte; the new one's once its workers serve.
        let failed = outcomes.filter { $0.status != 200 || ($0.body != Self.expected && $0.body != newAnswer) }
        #expect(failed.isEmpty, "\(failed.count) failed: \(failed.prefix(5))\n\(Self.events(service))")
        #expect(outcomes.contains { $0.body == newAnswer })
        // Not one request was dropped and retried by nginx on the way: retiring workers stop waiting for connections
        // without cutting short any they have accepted.
        #expect(service.upstreamErrors.isEmpty, "\(service.upstreamErrors.prefix(5))")
        // The same supervisor (and socket) throughout; a new generation of workers, none of the first left.
        #expect(service.appPID == supervisor)
        #expect(TestEnvironment.wait(for: .seconds(10)) { service.workerPIDs.count == 2 })
        #expect(Set(service.workerPIDs).isDisjoint(with: first))
        // Once the last old workers are reaped, /status shows only the fourth generation.
        var status: [String: Any] = [:]
        #expect(
            TestEnvironment.wait(for: .seconds(10)) {
                status = (try? Self.status(service.port)) ?? [:]
                let workers = status["workers"] as? [[String: Any]] ?? []
                return workers.compactMap { $0["generation"] as? Int } == [4, 4]
            }, "\(status)")
        #expect(status["reloads"] as? Int == 3, "\(status)")
        #expect(status["worker_restarts"] as? Int == 0, "\(status)")
        // With the third generation gone, the new policy alone answers.
        #expect(try HTTPClient.post(port: service.port, NginxContractTests.referenceRequest).text == newAnswer)
    }

    @Test(.timeLimit(.minutes(1))) func recyclingWorkersWithMaxRequestsLosesNoRequest() throws {
        let service = try NginxFrontedService(workers: 2, arguments: ["--threads", "4", "--max-requests", "150"])
        let load = LoadClient(port: service.port, total: 1500, connections: 8)
        let outcomes = load.wait()
        #expect(outcomes.count == 1500)
        let failed = Self.failures(outcomes)
        #expect(failed.isEmpty, "\(failed.count) failed: \(failed.prefix(5))\n\(Self.events(service))")
        // 1,500 requests over workers retiring at 150 each: at least 8 replacements, each logged as a retirement.
        let status = try Self.status(service.port)
        let restarts = try #require(status["worker_restarts"] as? Int)
        #expect(restarts >= 8, "\(status)")
        #expect(service.appLog.contains("(--max-requests): retiring"))
        #expect(!service.appLog.contains("killed by signal"))
        #expect(service.upstreamErrors.isEmpty, "\(service.upstreamErrors.prefix(5))")
    }

    @Test(.timeLimit(.minutes(1))) func sigtermFinishesEveryAcceptedRequestThenExitsZero() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let socket = directory.appendingPathComponent("app.sock").path
        let app = try ServiceProcess(
            executable: TestEnvironment.binary(),
            arguments: [
                "serve", "--demo", "--policy", TestEnvironment.referencePolicy, "--listen", "unix:\(socket)",
                "--workers", "2", "--threads", "6",
                "--stop-timeout", "10",
            ],
            logURL: directory.appendingPathComponent("app.log"))
        defer { app.stop() }
        #expect(TestEnvironment.wait(for: .seconds(20)) { app.log.contains("listening on") })
        let nginx = try NginxFrontedService(upstream: "unix:\(socket)")
        let load = LoadClient(port: nginx.port, total: 100_000, connections: 8)
        load.waitUntilAnswered(300)

        // Three requests the workers have accepted and are still reading (their bodies are not sent yet).
        let body = Array(NginxContractTests.referenceRequest.utf8)
        let inFlight = try (0..<3).map { _ in
            let client = try FastCGIClient(socketPath: socket)
            try client.begin(contentLength: body.count)
            try client.sendBody(Array(body.prefix(10)))
            return client
        }
        usleep(200_000)
        let signalled = ContinuousClock.now
        app.signal(SIGTERM)
        usleep(300_000)
        #expect(app.isRunning, "the service exited with requests in flight:\n\(app.log)")
        for client in inFlight {
            try client.sendBody(Array(body.dropFirst(10)))
            try client.endBody()
            let response = try client.readResponse()
            #expect(response.hasPrefix("Status: 200"), "\(response)")
            #expect(response.hasSuffix(Self.expected), "\(response)")
        }
        let exit = app.waitForExit(timeout: .seconds(10))
        let stoppedAfter = ContinuousClock.now - signalled
        load.stop()
        let outcomes = load.wait()
        #expect(exit == 0, "\(app.log.suffix(2000))")
        #expect(stoppedAfter < .seconds(10))

        // Before the signal: all 200. After it: 200 (queued, answered by the draining workers) or, once the socket
        // is shut, nginx's JSON 503; never a reset, a 502 or a wrong body.
        let before = outcomes.filter { $0.finished < signalled }
        #expect(before.count >= 300)
        #expect(Self.failures(before).isEmpty, "\(Self.failures(before).prefix(5))")
        let after = outcomes.filter { $0.finished >= signalled }
        let unexpected = after.filter {
            !($0.status == 200 && $0.body == Self.expected)
                && !($0.status == 503 && $0.body == #"{"detail":"Service Unavailable"}"#)
        }
        #expect(unexpected.isEmpty, "\(unexpected.prefix(5).map { "\($0.status ?? 0) \($0.body)" })")
        #expect(app.log.contains("stopped"))
    }

    @Test(.timeLimit(.minutes(1))) func statusCountsAgreeWithWhatWasSent() throws {
        let service = try NginxFrontedService(workers: 2, arguments: ["--threads", "4"])
        let valid = LoadClient(port: service.port, total: 300, connections: 6)
        #expect(Self.failures(valid.wait()).isEmpty)
        let invalid = LoadClient(port: service.port, total: 40, connections: 4, body: #"{"name":1}"#)
        #expect(invalid.wait().allSatisfy { $0.status == 422 })
        for _ in 0..<20 {
            #expect(try HTTPClient.send(port: service.port, HTTPClient.request("GET", "/")).status == 405)
        }
        for _ in 0..<10 {
            #expect(try HTTPClient.send(port: service.port, HTTPClient.request("GET", "/ping")).text == "pong")
        }

        // 370 answered before this request, which is accepted (and counted as accepted) but not yet answered.
        let status = try Self.status(service.port)
        #expect(status["accepted_requests"] as? Int == 371, "\(status)")
        let responses = try #require(status["responses"] as? [String: Int])
        #expect(responses["200"] == 310 && responses["422"] == 40 && responses["405"] == 20, "\(responses)")
        #expect(responses.values.reduce(0, +) == 370)
        let histogram = try #require(status["request_duration_seconds"] as? [String: Any])
        #expect(histogram["count"] as? Int == 370)
        #expect(status["workers_configured"] as? Int == 2 && status["max_threads"] as? Int == 8)
        let workers = try #require(status["workers"] as? [[String: Any]])
        #expect(workers.count == 2)
        #expect(workers.compactMap { $0["accepted_requests"] as? Int }.reduce(0, +) == 371)
        #expect(workers.allSatisfy { $0["state"] as? String == "ready" })

        // The same numbers for Prometheus (this request is the 372nd accepted).
        let metrics = try HTTPClient.send(port: service.port, HTTPClient.request("GET", "/status?format=prometheus"))
        #expect(metrics.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let lines = metrics.text.split(separator: "\n").map(String.init)
        #expect(lines.contains("fcgi_check_requests_accepted_total 372"), "\(metrics.text)")
        #expect(lines.contains(#"fcgi_check_responses_total{status="200"} 311"#))
        #expect(lines.contains(#"fcgi_check_request_duration_seconds_bucket{le="+Inf"} 371"#))
        #expect(lines.contains("fcgi_check_request_duration_seconds_count 371"))

        #expect(service.upstreamErrors.isEmpty, "\(service.upstreamErrors.prefix(5))")

        // /status answers GET only: the app's 405, through nginx, names the method it allows.
        let posted = try HTTPClient.send(port: service.port, HTTPClient.request("POST", "/status"))
        #expect(posted.status == 405 && posted.text == #"{"detail":"Method Not Allowed"}"#)
        #expect(posted.header("Allow") == "GET")
    }
}
