import CheckService
import Logging

/// What happens to a request once it is answered: its counts on the scoreboard, its access log line, and a warning
/// when it was slow.
struct RequestRecorder: Sendable {
    /// This process's scoreboard slot.
    let slot: Scoreboard.Slot
    /// Where each request's access line goes; nil for none.
    let accessLog: AccessLog?
    /// Where a slow request is reported.
    let logger: Logger
    /// Requests taking longer are logged as slow; nil logs none.
    let slowLogThreshold: Duration?
    /// The worker's number in logs.
    let workerName: String

    /// A finished request, as counted and logged.
    struct Finished {
        var method: String
        var uri: String
        var requestID: String?
        var status: Int
        var bytesIn: Int
        var bytesOut: Int
        var duration: Duration
    }

    /// Counts an answered request. Called before the answer's end leaves: the web server passes the answer on as
    /// soon as that arrives, and whoever has it must find it in `/status` already.
    func count(_ finished: Finished) {
        if finished.status == 504 { slot.add(.timedOut) }
        slot.countFinished(
            status: finished.status, duration: finished.duration, bytesIn: finished.bytesIn,
            bytesOut: finished.bytesOut, slow: isSlow(finished.duration))
    }

    /// Logs an answered request, once the connection is finished.
    /// - Parameters:
    ///   - delivered: false when the web server had gone away (the client aborted).
    ///   - batch: the accept thread's batch of access lines; nil to write the line at once.
    func log(_ finished: Finished, delivered: Bool, batch: AccessLog.Batch? = nil) {
        if let accessLog {
            let entry = AccessLogEntry(
                method: finished.method, uri: finished.uri, status: finished.status, duration: finished.duration,
                bytesIn: finished.bytesIn, bytesOut: finished.bytesOut, worker: workerName,
                requestID: finished.requestID, clientWentAway: !delivered)
            if let batch { batch.append(entry) } else { accessLog.write(entry) }
        }
        if isSlow(finished.duration) {
            logger.warning(
                "slow request",
                metadata: [
                    "method": "\(finished.method)", "path": "\(finished.uri)", "status": "\(finished.status)",
                    "duration_ms": "\(Double(finished.duration.microseconds) / 1000)",
                    "bytes_in": "\(finished.bytesIn)",
                    "bytes_out": "\(finished.bytesOut)", "request_id": "\(finished.requestID ?? "-")",
                ])
        }
    }

    /// Counts and logs a request dropped before it could be answered (its body could not be read).
    func dropped(method: String, path: String, duration: Duration) {
        slot.countFinished(status: nil, duration: duration, bytesIn: 0, bytesOut: 0, slow: false)
        logger.warning("\(method) \(path) dropped: the body could not be read (peer gone or silent too long)")
    }

    private func isSlow(_ duration: Duration) -> Bool { slowLogThreshold.map { duration >= $0 } ?? false }
}
