#if canImport(Glibc)
    import Glibc
#endif

/// ISO 8601 UTC timestamps for log lines, formatted once per second: every request writes one, so the date is not
/// worked out anew (with `gmtime_r` and string building) for each.
enum LogTimestamp {
    private static let cache = LockedValue<(second: Int, text: String)>((-1, ""))

    /// Now, to the second: `2026-11-25T03:40:00Z`.
    static func now() -> String {
        second(time(nil))
    }

    /// Now, to the millisecond: `2026-11-25T03:40:00.123Z`.
    static func nowWithMilliseconds() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let milliseconds = now.tv_nsec / 1_000_000
        let padded =
            milliseconds < 10 ? "00\(milliseconds)" : milliseconds < 100 ? "0\(milliseconds)" : "\(milliseconds)"
        return "\(second(now.tv_sec).dropLast()).\(padded)Z"
    }

    private static func second(_ seconds: time_t) -> String {
        cache.withLock { cached in
            if cached.second != Int(seconds) {
                var time = seconds
                var parts = tm()
                gmtime_r(&time, &parts)
                func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
                cached = (
                    Int(seconds),
                    "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
                        + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
                )
            }
            return cached.text
        }
    }
}
