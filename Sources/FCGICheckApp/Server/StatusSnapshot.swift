import CheckDomain
import CheckService

/// What `GET /status` reports: the supervisor's configuration and counts, each worker's, and their totals.
struct StatusSnapshot: Sendable, Equatable, StatusReport {
    /// Counts that only grow, per worker slot or in total.
    struct Counters: Sendable, Equatable {
        var accepted: UInt64 = 0
        var saturated: UInt64 = 0
        var slow: UInt64 = 0
        var timedOut: UInt64 = 0
        var durationMicroseconds: UInt64 = 0
        var bytesIn: UInt64 = 0
        var bytesOut: UInt64 = 0
        /// In `Scoreboard.countedStatuses` order, then everything else.
        var statuses = [UInt64](repeating: 0, count: Scoreboard.countedStatuses.count + 1)
        /// Per bucket of `Scoreboard.durationBounds`, then the unbounded one; not cumulative.
        var buckets = [UInt64](repeating: 0, count: Scoreboard.durationBounds.count + 1)

        init() {}

        init(_ slot: Scoreboard.Slot) {
            accepted = slot.load(.accepted)
            saturated = slot.load(.saturated)
            slow = slot.load(.slow)
            timedOut = slot.load(.timedOut)
            durationMicroseconds = slot.load(.durationMicroseconds)
            bytesIn = slot.load(.bytesIn)
            bytesOut = slot.load(.bytesOut)
            statuses = slot.statusCounts
            buckets = slot.bucketCounts
        }

        mutating func add(_ other: Counters) {
            accepted &+= other.accepted
            saturated &+= other.saturated
            slow &+= other.slow
            timedOut &+= other.timedOut
            durationMicroseconds &+= other.durationMicroseconds
            bytesIn &+= other.bytesIn
            bytesOut &+= other.bytesOut
            for index in statuses.indices { statuses[index] &+= other.statuses[index] }
            for index in buckets.indices { buckets[index] &+= other.buckets[index] }
        }

        /// Requests answered (every counted status).
        var answered: UInt64 { statuses.reduce(0, &+) }
    }

    /// One worker process.
    struct Worker: Sendable, Equatable {
        var slot: Int
        var pid: Int
        var state: String
        var generation: Int
        var uptimeSeconds: Double
        /// Requests accepted by this process (the slot's counters include its predecessors').
        var requests: Int
        var busyThreads: Int
        var idleThreads: Int
        var counters: Counters
    }

    var uptimeSeconds: Double
    var supervisorPID: Int
    /// Worker processes configured; 0 when one process serves alone (`serve` without `--workers`).
    var configuredWorkers: Int

    /// The most requests answered at once: every worker's threads, or the one process's.
    var maximumThreads: Int { max(configuredWorkers, 1) * threadsPerWorker }
    var threadsPerWorker: Int
    var maximumRequests: Int?
    var requestTimeoutSeconds: Double
    var restarts: Int
    /// Workers in a row that died soon after they started: above 0, replacements are being paced (a crash loop).
    var quickDeaths: Int = 0
    var reloads: Int
    var workers: [Worker]
    var totals: Counters

    // MARK: JSON

    /// The JSON document of `GET /status`.
    var json: [UInt8] {
        let busy = workers.reduce(0) { $0 + $1.busyThreads }
        let idle = workers.reduce(0) { $0 + $1.idleThreads }
        let object: [(String, JSONValue)] = [
            ("uptime_seconds", .float(Self.rounded(uptimeSeconds))),
            ("pid", Self.int(supervisorPID)),
            ("workers_configured", Self.int(configuredWorkers)),
            ("threads_per_worker", Self.int(threadsPerWorker)),
            ("max_threads", Self.int(maximumThreads)),
            ("max_requests", maximumRequests.map(Self.int) ?? .null),
            ("request_timeout_seconds", .float(requestTimeoutSeconds)),
            ("accepted_requests", Self.int(totals.accepted)),
            ("active_threads", Self.int(busy)),
            ("idle_threads", Self.int(idle)),
            ("saturated", Self.int(totals.saturated)),
            ("slow_requests", Self.int(totals.slow)),
            ("timed_out_requests", Self.int(totals.timedOut)),
            ("worker_restarts", Self.int(restarts)),
            ("worker_quick_deaths", Self.int(quickDeaths)),
            ("reloads", Self.int(reloads)),
            ("responses", Self.responses(totals)),
            ("request_duration_seconds", Self.histogram(totals)),
            ("bytes_received", Self.int(totals.bytesIn)),
            ("bytes_sent", Self.int(totals.bytesOut)),
            (
                "workers",
                .array(
                    workers.map { worker in
                        .object(
                            JSONObject([
                                ("slot", Self.int(worker.slot)),
                                ("pid", Self.int(worker.pid)),
                                ("state", .string(worker.state)),
                                ("generation", Self.int(worker.generation)),
                                ("uptime_seconds", .float(Self.rounded(worker.uptimeSeconds))),
                                ("requests", Self.int(worker.requests)),
                                ("accepted_requests", Self.int(worker.counters.accepted)),
                                ("active_threads", Self.int(worker.busyThreads)),
                                ("idle_threads", Self.int(worker.idleThreads)),
                                ("saturated", Self.int(worker.counters.saturated)),
                                ("slow_requests", Self.int(worker.counters.slow)),
                                ("responses", Self.responses(worker.counters)),
                            ]))
                    })
            ),
        ]
        var writer = PythonJSONWriter(capacity: 2048)
        writer.value(.object(JSONObject(object)))
        return writer.bytes
    }

    private static func int(_ value: Int) -> JSONValue { .integer(BigInteger(Int64(value))) }
    private static func int(_ value: UInt64) -> JSONValue { .integer(BigInteger(Int64(clamping: value))) }
    private static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

    private static func statusLabel(_ index: Int) -> String {
        index < Scoreboard.countedStatuses.count ? String(Scoreboard.countedStatuses[index]) : "other"
    }

    private static func boundLabel(_ index: Int) -> String {
        index < Scoreboard.durationBounds.count ? "\(Scoreboard.durationBounds[index])" : "+Inf"
    }

    private static func responses(_ counters: Counters) -> JSONValue {
        .object(JSONObject(counters.statuses.indices.map { (statusLabel($0), int(counters.statuses[$0])) }))
    }

    /// Cumulative buckets, as Prometheus counts them: each bound counts every request at or below it.
    private static func histogram(_ counters: Counters) -> JSONValue {
        var running: UInt64 = 0
        let buckets = counters.buckets.indices.map { index -> (String, JSONValue) in
            running &+= counters.buckets[index]
            return (boundLabel(index), int(running))
        }
        return .object(
            JSONObject([
                ("buckets", .object(JSONObject(buckets))),
                ("sum", .float(Double(counters.durationMicroseconds) / 1_000_000)),
                ("count", int(running)),
            ]))
    }

    // MARK: Prometheus

    /// The Prometheus text exposition (format 0.0.4) of the same numbers.
    var prometheus: String {
        var text = ""
        func family(_ name: String, _ type: String, _ help: String) {
            text += "# HELP fcgi_check_\(name) \(help)\n# TYPE fcgi_check_\(name) \(type)\n"
        }
        func sample(_ name: String, _ labels: String = "", _ value: String) {
            text += "fcgi_check_\(name)\(labels.isEmpty ? "" : "{\(labels)}") \(value)\n"
        }
        func perWorker(_ name: String, _ type: String, _ help: String, _ value: (Worker) -> String) {
            family(name, type, help)
            for worker in workers { sample(name, "worker=\"\(worker.slot)\"", value(worker)) }
        }
        family("uptime_seconds", "gauge", "Seconds since the service started.")
        sample("uptime_seconds", "", "\(Self.rounded(uptimeSeconds))")
        family("workers_configured", "gauge", "Worker processes configured.")
        sample("workers_configured", "", "\(configuredWorkers)")
        family("threads_max", "gauge", "Accept threads configured in all workers together.")
        sample("threads_max", "", "\(maximumThreads)")
        family("worker_restarts_total", "counter", "Workers replaced after they exited or were killed.")
        sample("worker_restarts_total", "", "\(restarts)")
        family(
            "worker_quick_deaths", "gauge",
            "Workers in a row that died soon after they started; above 0, their replacements are paced.")
        sample("worker_quick_deaths", "", "\(quickDeaths)")
        family("reloads_total", "counter", "Reloads completed.")
        sample("reloads_total", "", "\(reloads)")
        perWorker("threads_active", "gauge", "Accept threads answering a request.") { "\($0.busyThreads)" }
        perWorker("threads_idle", "gauge", "Accept threads waiting for a request.") { "\($0.idleThreads)" }
        family("requests_accepted_total", "counter", "Requests accepted.")
        sample("requests_accepted_total", "", "\(totals.accepted)")
        family("pool_saturated_total", "counter", "Times a request made every thread of its worker busy.")
        sample("pool_saturated_total", "", "\(totals.saturated)")
        family("slow_requests_total", "counter", "Requests slower than --slow-log.")
        sample("slow_requests_total", "", "\(totals.slow)")
        family("request_timeouts_total", "counter", "Requests answered 504 after --request-timeout.")
        sample("request_timeouts_total", "", "\(totals.timedOut)")
        family("responses_total", "counter", "Responses by HTTP status.")
        for index in totals.statuses.indices {
            sample("responses_total", "status=\"\(Self.statusLabel(index))\"", "\(totals.statuses[index])")
        }
        family("request_duration_seconds", "histogram", "Time from accepting a request to answering it.")
        var running: UInt64 = 0
        for index in totals.buckets.indices {
            running &+= totals.buckets[index]
            sample("request_duration_seconds_bucket", "le=\"\(Self.boundLabel(index))\"", "\(running)")
        }
        sample("request_duration_seconds_sum", "", "\(Double(totals.durationMicroseconds) / 1_000_000)")
        sample("request_duration_seconds_count", "", "\(running)")
        family("received_bytes_total", "counter", "Request body bytes received.")
        sample("received_bytes_total", "", "\(totals.bytesIn)")
        family("sent_bytes_total", "counter", "Response body bytes sent.")
        sample("sent_bytes_total", "", "\(totals.bytesOut)")
        return text
    }
}
