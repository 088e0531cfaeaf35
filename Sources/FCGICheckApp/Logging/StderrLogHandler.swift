import Logging

/// A swift-log handler that writes one line per event to standard error with a single `write(2)`.
///
/// The service logs a line per request, so the handler is on the hot path: swift-log's `StreamLogHandler` formats
/// the time with `strftime` for every line and goes through stdio's lock, which measured at about a quarter of the
/// service's throughput. A line (under `PIPE_BUF`) reaches a pipe or the journal whole, never interleaved with
/// another thread's line. (The access log, a line per request, does not come this way: see `AccessLog`.)
///
/// Line: `2026-11-25T03:40:00Z info fcgi-check: message key=value ...`.
struct StderrLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    private let label: String

    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var line = LogTimestamp.now()
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
            let buffer = UnsafeRawBufferPointer(bytes)
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
