import CheckDomain
import Foundation

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
        writer.string(Self.timestamp())
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

    /// UTC time to the millisecond, ISO 8601.
    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let milliseconds = now.tv_nsec / 1_000_000
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(milliseconds))
    }
}
