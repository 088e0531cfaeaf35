import CheckDomain
import CheckService
import Foundation
import Logging
import Testing

@testable import FCGICheckApp

/// The scoreboard's counting and what `/status` makes of it (the load tests check the numbers through nginx).
@Suite struct ScoreboardTests {
    func scoreboard(slots: Int = 3) throws -> Scoreboard {
        let scoreboard = try Scoreboard.create(slots: slots)
        scoreboard.begin(
            limits: .init(workers: 2, threadsPerWorker: 4, maximumRequests: 1000, requestTimeout: .seconds(25)),
            supervisorPID: 42)
        return scoreboard
    }

    @Test func countsPerSlotAndInTotal() throws {
        let board = try scoreboard()
        let first = board.slot(0)
        first.claim(generation: 1)
        first.markReady(pid: 100)
        board.slot(1).claim(generation: 1)
        board.slot(1).markReady(pid: 101)
        for _ in 0..<4 { first.add(.idleThreads) }
        // Four requests on a four-thread worker: the fourth makes it saturated.
        let accepted = (0..<4).map { _ in
            first.takeConnection(threads: 4)
            return first.countAccepted()
        }
        #expect(accepted == [1, 2, 3, 4])
        #expect(first.load(.saturated) == 1)
        first.countFinished(status: 200, duration: .microseconds(300), bytesIn: 10, bytesOut: 100, slow: false)
        first.countFinished(status: 422, duration: .milliseconds(3), bytesIn: 5, bytesOut: 50, slow: false)
        first.countFinished(status: 418, duration: .seconds(20), bytesIn: 0, bytesOut: 7, slow: true)
        board.slot(1).add(.idleThreads)
        board.slot(1).takeConnection(threads: 4)
        _ = board.slot(1).countAccepted()
        board.slot(1).countFinished(status: 200, duration: .milliseconds(1), bytesIn: 1, bytesOut: 2, slow: false)
        board.countRestart()

        let snapshot = board.snapshot()
        #expect(snapshot.workers.map(\.pid) == [100, 101])
        #expect(snapshot.workers.map(\.busyThreads) == [1, 0])
        #expect(snapshot.workers.map(\.idleThreads) == [0, 0])
        #expect(snapshot.totals.accepted == 5)
        #expect(snapshot.totals.saturated == 1)
        #expect(snapshot.totals.answered == 4)
        #expect(snapshot.totals.slow == 1)
        #expect(snapshot.totals.bytesIn == 16 && snapshot.totals.bytesOut == 159)
        #expect(snapshot.restarts == 1)
        #expect(snapshot.maximumRequests == 1000 && snapshot.configuredWorkers == 2)

        let json = try #require(try JSONSerialization.jsonObject(with: Data(snapshot.json)) as? [String: Any])
        #expect(json["accepted_requests"] as? Int == 5)
        #expect(json["active_threads"] as? Int == 1)
        #expect(json["max_threads"] as? Int == 8)
        #expect(json["worker_restarts"] as? Int == 1)
        let responses = try #require(json["responses"] as? [String: Int])
        #expect(responses["200"] == 2 && responses["422"] == 1 && responses["other"] == 1)
        let histogram = try #require(json["request_duration_seconds"] as? [String: Any])
        let buckets = try #require(histogram["buckets"] as? [String: Int])
        // Cumulative: 0.3 ms and 1 ms by 0.001, 3 ms by 0.005, 20 s only in +Inf.
        #expect(buckets["0.0005"] == 1 && buckets["0.001"] == 2 && buckets["0.005"] == 3 && buckets["10.0"] == 3)
        #expect(buckets["+Inf"] == 4 && histogram["count"] as? Int == 4)

        let metrics = snapshot.prometheus.split(separator: "\n").map(String.init)
        #expect(metrics.contains("fcgi_check_requests_accepted_total 5"))
        #expect(metrics.contains(#"fcgi_check_responses_total{status="other"} 1"#))
        #expect(metrics.contains(#"fcgi_check_request_duration_seconds_bucket{le="0.001"} 2"#))
        #expect(metrics.contains(#"fcgi_check_threads_active{worker="0"} 1"#))
        // Every sample belongs to a family declared with HELP and TYPE.
        let families = Set(metrics.filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] })
        for sample in metrics where !sample.hasPrefix("#") {
            let name = sample.prefix { $0 != "{" && $0 != " " }
            let family = ["_bucket", "_sum", "_count"].reduce(String(name)) { name, suffix in
                name.hasSuffix(suffix) && !families.contains(Substring(name))
                    ? String(name.dropLast(suffix.count)) : name
            }
            #expect(families.contains(Substring(family)), "\(sample)")
        }
    }

    @Test func aReleasedSlotKeepsItsCountsAndIsReusedByTheNextWorker() throws {
        let board = try scoreboard(slots: 2)
        let slot = board.slot(0)
        slot.claim(generation: 1)
        slot.markReady(pid: 7)
        slot.add(.idleThreads)
        slot.takeConnection(threads: 2)
        _ = slot.countAccepted()
        // Killed mid-request: the supervisor releases the slot, clearing what belonged to the dead process.
        slot.release()
        #expect(board.emptySlot() == 0)
        #expect(board.snapshot().workers.isEmpty)
        #expect(board.snapshot().totals.accepted == 1)
        slot.claim(generation: 1)
        slot.markReady(pid: 8)
        let worker = try #require(board.snapshot().workers.first)
        #expect(worker.busyThreads == 0 && worker.requests == 0 && worker.counters.accepted == 1)
    }

    @Test func concurrentCountsFromManyThreadsAndTwoMappingsAddUpExactly() throws {
        let board = try scoreboard(slots: 2)
        board.slot(1).claim(generation: 1)
        board.slot(1).markReady(pid: 11)
        // A second mapping of the same memory, at another address, as a second worker process has it.
        let other = try Scoreboard.attach(descriptor: board.descriptor)
        let perThread = 5_000
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            let slot = (thread.isMultiple(of: 2) ? board : other).slot(1)
            for index in 0..<perThread {
                slot.add(.idleThreads)
                slot.takeConnection(threads: 8)
                _ = slot.countAccepted()
                slot.countFinished(
                    status: index.isMultiple(of: 5) ? 422 : 200, duration: .milliseconds(2), bytesIn: 3, bytesOut: 7,
                    slow: false)
            }
        }
        let snapshot = board.snapshot()
        let total = 8 * perThread
        #expect(snapshot.totals.accepted == total && snapshot.totals.answered == total)
        #expect(snapshot.totals.bytesIn == 3 * total && snapshot.totals.bytesOut == 7 * total)
        #expect(snapshot.workers.first?.requests == total)
        #expect(snapshot.workers.first?.busyThreads == 0 && snapshot.workers.first?.idleThreads == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(snapshot.json)) as? [String: Any])
        let responses = try #require(json["responses"] as? [String: Int])
        #expect(responses["200"] == total * 4 / 5 && responses["422"] == total / 5, "\(responses)")
    }

    @Test func aCrashLoopShowsInStatus() throws {
        let board = try scoreboard(slots: 1)
        board.setQuickDeaths(4)
        let snapshot = board.snapshot()
        #expect(snapshot.quickDeaths == 4)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(snapshot.json)) as? [String: Any])
        #expect(json["worker_quick_deaths"] as? Int == 4)
        #expect(snapshot.prometheus.split(separator: "\n").contains("fcgi_check_worker_quick_deaths 4"))
        board.setQuickDeaths(0)
        #expect(board.snapshot().quickDeaths == 0)
    }

    @Test func aGaugeThatWentBelowZeroReadsZero() throws {
        let board = try scoreboard(slots: 1)
        board.slot(0).claim(generation: 1)
        board.slot(0).markReady(pid: 5)
        board.slot(0).subtract(.busyThreads)
        #expect(board.snapshot().workers.first?.busyThreads == 0)
    }

    @Test func aWorkerMapsTheSupervisorsScoreboard() throws {
        let board = try scoreboard()
        board.slot(2).claim(generation: 5)
        let attached = try Scoreboard.attach(descriptor: board.descriptor)
        #expect(attached.slotCount == 3)
        attached.slot(2).markReady(pid: 9)
        #expect(board.snapshot().workers.map(\.pid) == [9])
        #expect(board.snapshot().workers.map(\.generation) == [5])
        // Anything else on that descriptor number is refused.
        let file = open("/dev/null", O_RDONLY)
        defer { close(file) }
        #expect(throws: Scoreboard.Failure.self) { try Scoreboard.attach(descriptor: file) }
    }

    @Test func statusAndPingRoutes() throws {
        let board = try scoreboard()
        // Under compat = "reference" too: the service's own endpoints are for operators, not consoles.
        let router = Router(policy: .reference, logger: Logger(label: "t"), status: { board.snapshot() })
        func respond(_ method: String, _ uri: String) -> HTTPResponse? {
            let parts = uri.split(separator: "?", maxSplits: 1).map(String.init)
            let request = HTTPRequest(
                method: method, path: parts[0], contentType: nil, body: [], query: parts.count > 1 ? parts[1] : "")
            return router.respond(to: request, reader: DemoInventory())
        }
        #expect(respond("GET", "/ping") == .text(200, "pong"))
        let notGet = try #require(respond("POST", "/ping"))
        #expect(notGet.status == 405 && notGet.extraHeaders.map(\.value) == ["GET"])
        let status = try #require(respond("GET", "/status"))
        #expect(status.status == 200 && status.contentType == "application/json")
        #expect(String(decoding: status.body, as: UTF8.self).contains(#","pid":42,"workers_configured":2,"#))
        let metrics = try #require(respond("GET", "/status?x=1&format=prometheus"))
        #expect(metrics.contentType.hasPrefix("text/plain; version=0.0.4"))
        #expect(
            respond("GET", "/status?format=xml")
                == .detail(400, #"Unknown status format "xml"; use json or prometheus"#))
        #expect(respond("DELETE", "/status")?.status == 405)
    }

    @Test func queryValuesAreDecoded() {
        let request = HTTPRequest(method: "GET", path: "/", body: [], query: "a=1&b=x%20y+z&a=2&flag")
        #expect(request.queryValues("a") == ["1", "2"])
        #expect(request.queryValues("b") == ["x y z"])
        #expect(request.queryValues("flag") == [""])
        #expect(request.queryValues("none") == [])
    }

    @Test func accessLogLinesAreJSON() throws {
        let entry = AccessLogEntry(
            method: "POST", uri: "/?checks=a", status: 200, duration: .microseconds(1234), bytesIn: 10,
            bytesOut: 20, worker: "1", requestID: "abc\"d", clientWentAway: true)
        let line = entry.line
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["method"] as? String == "POST" && object["path"] as? String == "/?checks=a")
        #expect(object["status"] as? Int == 200 && object["duration_ms"] as? Double == 1.234)
        #expect(object["bytes_in"] as? Int == 10 && object["bytes_out"] as? Int == 20)
        #expect(object["request_id"] as? String == "abc\"d" && object["worker"] as? String == "1")
        #expect(object["client_went_away"] as? Bool == true)
        #expect((object["time"] as? String)?.hasSuffix("Z") == true)
        let anonymous = AccessLogEntry(
            method: "GET", uri: "/", status: 405, duration: .zero, bytesIn: 0, bytesOut: 0, worker: "0",
            requestID: nil, clientWentAway: false)
        #expect(anonymous.line.contains(#""request_id":null}"#))
    }
}

/// `/status`'s keys are the code's: the API description's `Status` schema is checked against a real snapshot.
@Suite struct StatusDescriptionTests {
    @Test func theStatusSchemaNamesEveryKeyAStatusAnswerHasAndNoOther() throws {
        let board = try ScoreboardTests().scoreboard()
        board.slot(0).claim(generation: 1)
        board.slot(0).markReady(pid: 100)
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(board.snapshot().json)) as? [String: Any])
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.bytes)) as? [String: Any])
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let status = try #require(schemas["Status"] as? [String: Any])
        let properties = try #require(status["properties"] as? [String: Any])
        #expect(Set(answer.keys) == Set(properties.keys))
        #expect(Set(status["required"] as? [String] ?? []) == Set(answer.keys))
        let workers = try #require(answer["workers"] as? [[String: Any]])
        let workerSchema = try #require(
            ((properties["workers"] as? [String: Any])?["items"] as? [String: Any])?["properties"] as? [String: Any])
        #expect(Set(workers.first?.keys.map { $0 } ?? []) == Set(workerSchema.keys))
    }

    @Test func serveWithoutWorkersSaysZeroWorkersAndItsOwnThreads() throws {
        let board = try Scoreboard.create(slots: 1)
        board.begin(
            limits: .init(workers: 0, threadsPerWorker: 8, maximumRequests: nil, requestTimeout: .seconds(25)),
            supervisorPID: 7)
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(board.snapshot().json)) as? [String: Any])
        #expect(answer["workers_configured"] as? Int == 0 && answer["max_threads"] as? Int == 8)
    }
}
