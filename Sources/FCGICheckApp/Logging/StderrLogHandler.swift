import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// A swift-log handler that writes one line per event to standard error with a single `write(2)`.
///
/// The service logs a line per request, so the handler is on the hot path: swift-log's `StreamLogHandler` formats
/// the time with `strftime` for every line and goes through stdio's lock, which measured at about a quarter of the
/// service's throughput. Here the timestamp text is made once per second, and a line (under `PIPE_BUF`) reaches a
/// pipe or the journal whole, never interleaved with another thread's line.
///
/// Line: `2026-11-25T03:40:00Z info fcgi-check: message key=value ...`, or the message alone for a logger whose
/// messages are complete lines already (the JSON access log).
struct StderrLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    /// Writes each message as it is, without time, level, label or metadata.
    var writesMessageOnly = false
    private let label: String

    private static let clock = LockedValue<(second: Int, text: String)>((-1, ""))

    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        if writesMessageOnly {
            Self.write(event.message.description + "\n")
            return
        }
        var line = Self.timestamp()
        line += " "
        line += event.level.rawValue
        line += " "
        line += label
        line += ": "
        line += event.message.description
        let merged = event.metadata.map { metadata.merging($0) { $1 } } ?? metadata
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            line += " \(key)=\(value)"
        }
        line += "\n"
        Self.write(line)
    }

    private static func write(_ text: String) {
        var line = text
        line.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    /// ISO 8601 UTC to the second, made anew only when the second changes.
    private static func timestamp() -> String {
        var now = time(nil)
        let second = Int(now)
        return clock.withLock { cached in
            if cached.second != second {
                var parts = tm()
                gmtime_r(&now, &parts)
                func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
                cached = (
                    second,
                    "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
                        + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
                )
            }
            return cached.text
        }
    }
}
