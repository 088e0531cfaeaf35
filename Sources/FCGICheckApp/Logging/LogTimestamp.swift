import CheckDomain

#if canImport(Glibc)
    import Glibc
#endif

/// ISO 8601 UTC timestamps for log lines: `2026-11-25T03:40:00Z`, or `2026-11-25T03:40:00.123Z`.
///
/// Made from the clock on each call, digit by digit, without a lock or a cache: every request writes one, from any of
/// the accept threads.
enum LogTimestamp {
    /// Now, to the second.
    static func now() -> String {
        var writer = PythonJSONWriter(capacity: 24)
        appendNow(withMilliseconds: false, to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Appends now, to the second or the millisecond, to a writer's bytes (no quotes).
    static func appendNow(withMilliseconds: Bool, to writer: inout PythonJSONWriter) {
        let now = Posix.clockTime(CLOCK_REALTIME)
        let parts = Posix.utcTime(now.tv_sec)
        func digits(_ value: Int32, _ count: Int) {
            var divisor: Int32 = 1
            for _ in 1..<count { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                writer.byte(UInt8(truncatingIfNeeded: 0x30 + (rest / divisor) % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(parts.tm_year + 1900, 4)
        writer.byte(UInt8(ascii: "-"))
        digits(parts.tm_mon + 1, 2)
        writer.byte(UInt8(ascii: "-"))
        digits(parts.tm_mday, 2)
        writer.byte(UInt8(ascii: "T"))
        digits(parts.tm_hour, 2)
        writer.byte(UInt8(ascii: ":"))
        digits(parts.tm_min, 2)
        writer.byte(UInt8(ascii: ":"))
        digits(parts.tm_sec, 2)
        if withMilliseconds {
            writer.byte(UInt8(ascii: "."))
            digits(Int32(now.tv_nsec / 1_000_000), 3)
        }
        writer.byte(UInt8(ascii: "Z"))
    }
}
