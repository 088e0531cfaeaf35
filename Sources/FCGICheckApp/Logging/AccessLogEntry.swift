import CheckDomain

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
        return writer.bytes
    }

    /// The line, as text.
    var line: String { String(decoding: bytes, as: UTF8.self) }
}

/// The access log: one JSON line per request on standard error, each written whole with one `write(2)` (a line
/// under `PIPE_BUF` reaches a pipe or the journal never interleaved with another thread's).
///
/// It is not a swift-log logger: every request writes one line, and going through swift-log's message and metadata
/// types, then a `String`, cost more than building the bytes directly (measured with `perf record` under load).
struct AccessLog: Sendable {
    /// Writes an entry's line.
    func write(_ entry: AccessLogEntry) {
        var bytes = entry.bytes
        bytes.append(0x0A)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                guard let written = try? Posix.write(2, UnsafeRawBufferPointer(rebasing: buffer[offset...])),
                    written > 0
                else { return }
                offset += written
            }
        }
    }
}
