import CheckDomain

#if canImport(Glibc)
    import Glibc
#endif

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

    /// The duration in milliseconds, to the microsecond.
    var durationMilliseconds: Double { Double(duration.microseconds) / 1000 }

    /// `{"time":…,"method":…,"path":…,"status":…,"duration_ms":…,"bytes_in":…,"bytes_out":…,"worker":…,
    /// "request_id":…}`, with `"client_went_away":true` added when the answer could not be delivered.
    var line: String {
        var writer = PythonJSONWriter(capacity: 256)
        writer.raw("{\"time\":")
        writer.string(LogTimestamp.nowWithMilliseconds())
        writer.raw(",\"method\":")
        writer.string(method)
        writer.raw(",\"path\":")
        writer.string(uri)
        writer.raw(",\"status\":")
        writer.integer(Int64(status))
        writer.raw(",\"duration_ms\":")
        writer.float(durationMilliseconds)
        writer.raw(",\"bytes_in\":")
        writer.integer(Int64(bytesIn))
        writer.raw(",\"bytes_out\":")
        writer.integer(Int64(bytesOut))
        writer.raw(",\"worker\":")
        writer.string(worker)
        writer.raw(",\"pid\":")
        writer.integer(Int64(getpid()))
        writer.raw(",\"request_id\":")
        if let requestID { writer.string(requestID) } else { writer.raw("null") }
        if clientWentAway { writer.raw(",\"client_went_away\":true") }
        writer.raw("}")
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
