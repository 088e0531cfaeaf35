import CheckDomain
import Synchronization

/// One request's line in the access log: a JSON object, one per line.
struct AccessLogEntry: Sendable {
    var method: String
    var uri: String
    var status: Int
    var duration: Duration
    var bytesIn: Int
    var bytesOut: Int
    var worker: String
    var requestID: String?
    var clientWentAway: Bool

    /// The process's id, read once.
    private static let pid = Int64(Posix.getpid())

    /// `{"time":…,"method":…,"path":…,"status":…,"duration_ms":…,"bytes_in":…,"bytes_out":…,"worker":…,"pid":…,
    /// "request_id":…}`, with `"client_went_away":true` added when the answer could not be delivered; the duration in
    /// milliseconds to the microsecond (`1.234`).
    var bytes: [UInt8] {
        var writer = PythonJSONWriter(capacity: 256 + uri.utf8.count)
        write(to: &writer)
        return writer.bytes
    }

    /// Writes the line (without its newline) after what `writer` holds.
    func write(to writer: inout PythonJSONWriter) {
        writer.raw("{\"time\":\"")
        LogTimestamp.appendNow(withMilliseconds: true, to: &writer)
        writer.raw("\",\"method\":")
        writer.string(method)
        writer.raw(",\"path\":")
        writer.string(uri)
        writer.raw(",\"status\":")
        writer.integer(Int64(status))
        writer.raw(",\"duration_ms\":")
        let microseconds = max(0, duration.microseconds)
        writer.integer(microseconds / 1000)
        writer.raw(".")
        let fraction = microseconds % 1000
        if fraction < 100 { writer.raw(fraction < 10 ? "00" : "0") }
        writer.integer(fraction)
        writer.raw(",\"bytes_in\":")
        writer.integer(Int64(bytesIn))
        writer.raw(",\"bytes_out\":")
        writer.integer(Int64(bytesOut))
        writer.raw(",\"worker\":")
        writer.string(worker)
        writer.raw(",\"pid\":")
        writer.integer(Self.pid)
        writer.raw(",\"request_id\":")
        if let requestID { writer.string(requestID) } else { writer.raw("null") }
        if clientWentAway { writer.raw(",\"client_went_away\":true") }
        writer.raw("}")
    }

    /// The line, as text.
    var line: String { String(decoding: bytes, as: UTF8.self) }
}

/// Where access lines go: standard error, in batches. Each accept thread keeps its own `Batch` and writes it whole,
/// in one `write(2)` of complete lines, when it would pass `Batch.limit` bytes, and at once whenever the thread has no
/// connection waiting (before it sleeps) and when it stops: a line leaves no later than its thread's next idle moment,
/// and a busy thread writes once per dozen requests instead of once per request (a write to a log file was 13% of a
/// reference request's CPU). The limit keeps every write under `PIPE_BUF`, so that on a pipe (journald, a process
/// manager) the lines of several threads and workers never interleave mid-line. A process killed outright loses the
/// lines its threads had not yet written, a dozen at most each.
struct AccessLog: Sendable {
    /// One accept thread's lines not yet written. Its thread appends and flushes; the server also flushes every
    /// thread's batch when a stop runs out of time (the process then exits with threads still busy), so the lock is
    /// taken by one thread nearly always.
    final class Batch: Sendable {
        /// Writes leave before a batch would pass this many bytes (`PIPE_BUF` is 4,096 on Linux).
        static let limit = 3_584
        /// The lines not yet written: each is written here straight from its entry, not made aside and copied in.
        private let lines = Mutex(PythonJSONWriter(capacity: limit + 512))

        init() {}

        /// Adds an entry's line, writing what was batched first when the line would not fit.
        func append(_ entry: AccessLogEntry) {
            lines.withLock { lines in
                let before = lines.count
                entry.write(to: &lines)
                lines.byte(0x0A)
                if before > 0 && lines.count > Self.limit {
                    // The new line does not fit: the lines before it leave first, and it stays.
                    lines.withUnsafeBytes { AccessLog.write(UnsafeRawBufferPointer(rebasing: $0[..<before])) }
                    lines.removeFirst(before)
                }
                if lines.count >= Self.limit { Self.write(&lines) }
            }
        }

        /// Writes every batched line.
        func flush() {
            lines.withLock { Self.write(&$0) }
        }

        private static func write(_ lines: inout PythonJSONWriter) {
            guard lines.count > 0 else { return }
            lines.withUnsafeBytes { AccessLog.write($0) }
            lines.removeFirst(lines.count)
        }

        deinit { flush() }
    }

    /// Writes an entry's line at once.
    func write(_ entry: AccessLogEntry) {
        var bytes = entry.bytes
        bytes.append(0x0A)
        bytes.withUnsafeBytes { Self.write($0) }
    }

    fileprivate static func write(_ buffer: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < buffer.count {
            guard let written = try? Posix.write(2, UnsafeRawBufferPointer(rebasing: buffer[offset...])), written > 0
            else { return }
            offset += written
        }
    }
}
